"""The page reader: what a report PDF's pages show, as words with their boxes (pypdfium2),
de-hyphenated at line ends and sanitised, for integrity, arithmetic, flags and feedback."""
