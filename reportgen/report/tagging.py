"""Five mends to WeasyPrint 70's tagged PDFs, applied as its `finisher` before the bytes are
written (deterministic, so the PDF stays byte-identical):

- Running headers and footers (page margin boxes) are written as marked content whose
  structure elements are left out of the structure tree: PDF/UA-1 wants them as artifacts.
  WeasyPrint's tagger says it would need PDF 2.0 to include them as artifacts; in a page's
  content stream the marked content itself can be an artifact in PDF 1.7.
- A link's inner boxes (the section number's span in the table of contents) get link
  annotations of their own, whose object references WeasyPrint puts in the inner box's /Span:
  PDF/UA-1 (7.18.5) wants every link annotation in a /Link element. Each such reference moves
  into the nearest /Link element around it, and the annotation's /StructParent entry in the
  parent tree points there.
- WeasyPrint writes the document's language (/Lang in the catalog) but no element's: a
  passage in another language (`lang="en"` on the Swedish edition's abstract, an English term
  in a Swedish sentence) gets /Lang on the highest structure element that holds only it, so a
  screen reader switches voice (PDF/UA-1 7.2).
- Header cells get no /Scope (WeasyPrint uses scope="row" only to map headers to cells):
  a header cell in a table's head gets /Scope /Column, one in its body /Scope /Row.
- PDF/A-3 lists each attachment twice in the catalog's /AF (once from the embedded files'
  name tree, once from scanning the file specifications); the second listing is dropped.
  Reported upstream as Kozea/WeasyPrint#2917; harmless once WeasyPrint writes each once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _number(reference: Any) -> int:
    """The object number of a pydyf reference ('12 0 R' as str or bytes)."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


def _is_reference(value: Any) -> bool:
    text = value.decode() if isinstance(value, bytes) else value
    return isinstance(text, str) and text.endswith(" R") and text.split()[0].isdigit()


def _reachable(objects: list, root: int) -> set[int]:
    """Object numbers of the structure elements reachable from the structure tree's root."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        number = todo.pop()
        if number in seen:
            continue
        seen.add(number)
        kids = objects[number].get("K") if isinstance(objects[number], dict) else None
        if kids is None:
            continue
        for kid in kids if isinstance(kids, list) else [kids]:
            if _is_reference(kid):
                todo.append(_number(kid))
    return seen


def _as_artifact(stream: Any, mcid: int) -> bool:
    """Turn '/Tag <</MCID n>> BDC' into '/Artifact BMC' in a content stream; True if found."""
    ops = stream.stream
    for i in range(len(ops) - 2):
        props = ops[i + 1]
        if ops[i + 2] == b"BDC" and isinstance(props, dict) and props.get("MCID") == mcid:
            ops[i : i + 3] = ["/Artifact", b"BMC"]
            return True
    return False


def margin_boxes_as_artifacts(pdf: Any) -> int:
    """Headers and footers out of the tagged content; returns how many were changed."""
    if "StructTreeRoot" not in pdf.catalog:
        return 0
    objects = pdf.objects
    root = objects[_number(pdf.catalog["StructTreeRoot"])]
    reachable = _reachable(objects, _number(pdf.catalog["StructTreeRoot"]))
    nums = objects[_number(root["ParentTree"])]["Nums"]
    changed = 0
    pages = pdf.page_references
    for page_index, elements in zip(nums[0::2], nums[1::2], strict=True):
        if not isinstance(elements, list) or page_index >= len(pages):
            continue  # an annotation's entry, not a page's marked content
        page = objects[_number(pages[page_index])]
        stream = objects[_number(page["Contents"])]
        for mcid, element in enumerate(elements):
            if not _is_reference(element) or _number(element) in reachable:
                continue
            if _as_artifact(stream, mcid):
                elements[mcid] = "null"
                changed += 1
    return changed


def _kids(element: Any) -> list:
    kids = element.get("K")
    return kids if isinstance(kids, list) else ([] if kids is None else [kids])


def _link_annotation(objects: list, kid: Any) -> Any:
    """The link annotation a kid refers to through an /OBJR, else None."""
    if not _is_reference(kid):
        return None
    objr = objects[_number(kid)]
    if not isinstance(objr, dict) or objr.get("Type") != "/OBJR":
        return None
    annotation = objects[_number(objr["Obj"])]
    is_link = isinstance(annotation, dict) and annotation.get("Subtype") == "/Link"
    return annotation if is_link else None


def links_in_link_elements(pdf: Any) -> int:
    """Every link annotation's /OBJR inside a /Link element; returns how many were moved.

    An /OBJR found in another element moves into the nearest /Link element around it, just
    before the kid that leads to it, and the annotation's parent-tree entry follows; with no
    /Link around it, the element itself becomes the /Link."""
    if "StructTreeRoot" not in pdf.catalog:
        return 0
    objects = pdf.objects
    root = _number(pdf.catalog["StructTreeRoot"])
    moves = []  # (element, kid, the /Link element, its kid leading to the element)
    todo: list[tuple[int, list[tuple[int, Any]]]] = [(root, [])]
    seen: set[int] = set()
    while todo:
        number, path = todo.pop()
        element = objects[number]
        if number in seen or not isinstance(element, dict) or element.get("Type") == "/OBJR":
            continue
        seen.add(number)
        if element.get("S") != "/Link":
            for kid in _kids(element):
                if _link_annotation(objects, kid) is not None:
                    moves.append((number, kid, path))
        for kid in _kids(element):
            if _is_reference(kid):
                todo.append((_number(kid), [*path, (number, kid)]))
    nums = objects[_number(objects[root]["ParentTree"])]["Nums"]
    keys = [int(key) for key in nums[0::2]]
    for number, kid, path in moves:
        links = [(n, via) for n, via in path if objects[n].get("S") == "/Link"]
        if not links:
            objects[number]["S"] = "/Link"
            continue
        link, via = links[-1]
        kids, siblings = objects[number]["K"], objects[link]["K"]
        if not (isinstance(kids, list) and isinstance(siblings, list)):
            objects[number]["S"] = "/Link"  # WeasyPrint writes arrays; never seen otherwise
            continue
        kids.remove(kid)
        siblings.insert(siblings.index(via), kid)
        annotation = _link_annotation(objects, kid)
        if "StructParent" in annotation:
            nums[2 * keys.index(int(annotation["StructParent"])) + 1] = objects[link].reference
    return len(moves)


def _pdf_tag_is_link(box: Any) -> bool:
    """Whether WeasyPrint tags this box as a /Link (its tagger's rule: `a` and its pseudo
    elements), which then holds its text directly instead of in one /Span per text box."""
    tag = None if box.element is None else box.element_tag
    return tag is not None and tag.split(":")[0] == "a"


def _text_boxes(box: Any) -> Iterator[tuple[Any, bool]]:
    """The boxes WeasyPrint's tagger gives marked content, in the order it visits them (its
    `_build_box_tree`): text boxes, each with whether its element is a /Link, and replaced
    boxes (images)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.ParentBox):
        link = _pdf_tag_is_link(box)
        for child in box.children:
            for kid in child.children if isinstance(child, boxes.LineBox) else [child]:
                if isinstance(kid, boxes.TextBox):
                    yield kid, link
                else:
                    yield from _text_boxes(kid)


def _languages_of_text(document: Any, pdf: Any) -> dict[int, str]:
    """The language of each text /Span and /Link element, by object number, from the boxes
    WeasyPrint laid out; empty if the boxes and the elements do not pair up one to one."""
    objects = pdf.objects
    spans = [
        number
        for number, obj in enumerate(objects)
        if isinstance(obj, dict)
        and obj.get("Type") == "/StructElem"
        and obj.get("S") == "/Span"
        and isinstance(obj.get("K"), list)
        and len(obj["K"]) == 1
        and isinstance(obj["K"][0], int)
    ]
    texts = [
        (box, page_number)
        for page_number, page in enumerate(document.pages)
        for box, in_link in _text_boxes(page._page_box)
        if not in_link
    ]
    if len(spans) != len(texts):
        return {}
    languages: dict[int, str] = {}
    pages = [str(_number(reference)) for reference in pdf.page_references]
    for number, (box, page_number) in zip(spans, texts, strict=True):
        if str(_number(objects[number]["Pg"])) != pages[page_number]:
            return {}  # created on another page: the pairing is off
        languages[number] = box.style["lang"] or ""
    annotations = {}
    for page in document.pages:
        for box, _ in _boxes_with_links(page._page_box):
            annotations[_number(box.link_annotation.reference)] = box.style["lang"] or ""
    for number, obj in enumerate(objects):
        if isinstance(obj, dict) and obj.get("S") == "/Link":
            for kid in _kids(obj):
                annotation = _link_annotation(objects, kid)
                if annotation is not None:
                    languages[number] = annotations.get(_number(objects[_number(kid)]["Obj"]), "")
                    break
    return languages


def _boxes_with_links(box: Any) -> Iterator[tuple[Any, None]]:
    from weasyprint.formatting_structure import boxes

    if getattr(box, "link_annotation", None) is not None:
        yield box, None
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _boxes_with_links(child)


def passage_languages(document: Any, pdf: Any) -> int:
    """/Lang on the elements of passages in another language than the document's; returns how
    many elements got one."""
    if "StructTreeRoot" not in pdf.catalog:
        return 0
    import pydyf

    objects = pdf.objects
    own = _languages_of_text(document, pdf)
    if not own:
        return 0
    below: dict[int, set[str]] = {}

    def languages(number: int) -> set[str]:
        """The languages of the text under an element (an image's element has none)."""
        if number not in below:
            below[number] = set()  # a cycle would stop here
            found = {own[number]} if number in own else set()
            for kid in _kids(objects[number]):
                if _is_reference(kid) and objects[_number(kid)].get("Type") == "/StructElem":
                    found |= languages(_number(kid))
            below[number] = found
        return below[number]

    lang = pdf.catalog.get("Lang")
    document_language = str(getattr(lang, "string", lang) or "").lower()
    count = 0
    todo = [(_number(pdf.catalog["StructTreeRoot"]), document_language)]
    while todo:
        number, inherited = todo.pop()
        found = languages(number) - {""}
        if len(found) == 1 and objects[number].get("Type") == "/StructElem":
            (language,) = found
            if language.lower() != inherited:
                objects[number]["Lang"] = pydyf.String(language)
                count += 1
            continue  # one language below: its elements inherit it
        for kid in _kids(objects[number]):
            if _is_reference(kid) and isinstance(objects[_number(kid)], dict):
                todo.append((_number(kid), inherited))
    return count


def header_scopes(pdf: Any) -> int:
    """/Scope on every TH: /Column in a THead, else /Row; returns how many were set."""
    if "StructTreeRoot" not in pdf.catalog:
        return 0
    objects = pdf.objects
    count = 0
    todo = [(_number(pdf.catalog["StructTreeRoot"]), False)]
    seen: set[int] = set()
    while todo:
        number, in_head = todo.pop()
        if number in seen or not isinstance(objects[number], dict):
            continue
        seen.add(number)
        element = objects[number]
        tag = element.get("S")
        in_head = in_head or tag == "/THead"
        if tag == "/TH" and "A" in element:
            element["A"]["Scope"] = "/Column" if in_head else "/Row"
            count += 1
        kids = element.get("K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and _is_reference(kid):
                todo.append((_number(kid), in_head))
    return count


def printable_annotations(pdf: Any) -> None:
    """Links print as they show (the Print flag, as PDF/A sets it): no difference for a reader
    between screen and paper."""
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Annot":
            obj["F"] = 4


def single_af_listing(pdf: Any) -> None:
    """Each attachment once in the catalog's /AF."""
    listing = pdf.catalog.get("AF")
    if listing is None:
        return
    unique = []
    for reference in listing:
        if reference not in unique:
            unique.append(reference)
    listing[:] = unique


def finish(document: Any, pdf: Any) -> None:
    """WeasyPrint's finisher hook: the mends above, and printable links."""
    passage_languages(document, pdf)
    margin_boxes_as_artifacts(pdf)
    links_in_link_elements(pdf)
    header_scopes(pdf)
    printable_annotations(pdf)
    single_af_listing(pdf)
