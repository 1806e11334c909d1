"""Reading a PDF's tags: which text a page shows outside the structure tree.

A tagged PDF marks each run of text on a page either as content of a structure element (a
marked-content sequence with an MCID that the structure tree points to) or as an artifact
(page furniture). A run that is neither is invisible to a tag-following screen reader.
"""

from __future__ import annotations

import io
from typing import Any

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


def _tree_mcids(pdf: Any) -> set[tuple[int, int]]:
    """(page object number, MCID) for every marked-content reference in the structure tree."""
    import pikepdf

    found: set[tuple[int, int]] = set()
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return found
    stack: list[tuple[Any, Any]] = [(root.get("/K"), None)]
    while stack:
        node, page = stack.pop()
        if node is None:
            continue
        if isinstance(node, pikepdf.Array):
            stack.extend((child, page) for child in node)
        elif isinstance(node, int):
            if page is not None:
                found.add((page.objgen[0], int(node)))
        elif isinstance(node, pikepdf.Dictionary):
            here = node.get("/Pg", page)
            if node.get("/Type") == "/MCR":
                found.add((here.objgen[0], int(node.MCID)))
            elif "/K" in node:
                stack.append((node.K, here))
    return found


def untagged_text(data: bytes) -> list[str]:
    """Where text is shown outside both the structure tree and an artifact, as
    "page N: MCID m" or "page N: unmarked text"; an empty list for a fully tagged file."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = _tree_mcids(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            marks: list[tuple[str, int | None]] = []  # (tag, MCID) of each open sequence
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    tag = str(operands[0])
                    props = operands[1] if op == "BDC" else None
                    mcid = None
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                        mcid = int(props.MCID)
                    marks.append((tag, mcid))
                elif op == "EMC" and marks:
                    marks.pop()
                elif op in TEXT_OPERATORS:
                    if any(tag == "/Artifact" for tag, _ in marks):
                        continue
                    ids = [m for _, m in marks if m is not None]
                    if not ids:
                        problems.append(f"page {number}: unmarked text")
                    elif (page.objgen[0], ids[-1]) not in tree:
                        problems.append(f"page {number}: MCID {ids[-1]} not in the tree")
    return sorted(set(problems))


def elements(data: bytes) -> tuple[str, list[dict[str, str]]]:
    """The document's language and each structure element, in tree order, as its standard
    type ("S", through the role map) with its "Alt" and "Lang" where it has them."""
    import pikepdf

    found: list[dict[str, str]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        roles = {str(k): str(v) for k, v in root.get("/RoleMap", pikepdf.Dictionary()).items()}
        stack = [root.get("/K")]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(list(node)))
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kind = str(node.S)
                element = {"S": roles.get(kind, kind).lstrip("/")}
                for key in ("Alt", "Lang"):
                    if f"/{key}" in node:
                        element[key] = str(node[f"/{key}"])
                found.append(element)
                stack.append(node.get("/K"))
        return str(pdf.Root.get("/Lang", "")), found


def structure_types(data: bytes) -> set[str]:
    """The standard structure types the tree uses (H1, P, L, LI, Table, Figure, …)."""
    return {e["S"] for e in elements(data)[1]}
