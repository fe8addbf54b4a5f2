"""`reportgen preview`: the report's HTML served on 127.0.0.1, re-rendered from the cached run
when a watched file is saved, and the open page brought up to date (Server-Sent Events).

watch.py polls the files a config names; session.py turns a save into a new page (or an error
banner, or a rebuild when the analysis changed); page.py adds the banner and the few lines of
live-reload script to the served copy only; server.py serves it all until Ctrl-C.
"""
