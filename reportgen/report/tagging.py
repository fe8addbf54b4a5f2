"""Three mends to WeasyPrint 70's tagged PDFs, applied as its `finisher` before the bytes are
written (deterministic, so the PDF stays byte-identical):

- Running headers and footers (page margin boxes) are written as marked content whose
  structure elements are left out of the structure tree: PDF/UA-1 wants them as artifacts.
  WeasyPrint's tagger says it would need PDF 2.0 to include them as artifacts; in a page's
  content stream the marked content itself can be an artifact in PDF 1.7.
- Header cells get no /Scope (WeasyPrint uses scope="row" only to map headers to cells):
  a header cell in a table's head gets /Scope /Column, one in its body /Scope /Row.
- PDF/A-3 lists each attachment twice in the catalog's /AF (once from the embedded files'
  name tree, once from scanning the file specifications); the second listing is dropped.
  Reported upstream as Kozea/WeasyPrint#2917; harmless once WeasyPrint writes each once.
"""

from __future__ import annotations

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
    margin_boxes_as_artifacts(pdf)
    header_scopes(pdf)
    printable_annotations(pdf)
    single_af_listing(pdf)
