"""Tests for analyser.extract.text (Markdown, plain text, encodings) and the extract dispatcher."""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest

from analyser.datamodel import Block
from analyser.errors import InputError
from analyser.extract import ExtractSettings, extract_document
from analyser.extract.text import decode_text, extract_text, parse_markdown, parse_plain_text
from analyser.segment import segment_document
from analyser.wordcount import count_words

LONG = "I worked on the customer service desk and handled many calls from customers every single day of the week."


def triples(blocks: list[Block]) -> list[tuple[str, int | None, str]]:
    return [(block.kind, block.level, block.text) for block in blocks]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------------------
# Markdown: headings
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level", "text"),
    [
        ("# Title", 1, "Title"),
        ("## 1. Situation", 2, "1. Situation"),
        ("### What I did ###", 3, "What I did"),
        ("#### Level four", 4, "Level four"),
        ("###### Six", 6, "Six"),
        ("   ## Indented three", 2, "Indented three"),
        ("## **Bold** heading with [a link](https://example.com)", 2, "Bold heading with a link"),
    ],
)
def test_markdown_atx_headings(line: str, level: int, text: str) -> None:
    (block,) = parse_markdown(line)
    assert block == Block(text=text, kind="heading", level=level, style=f"md:h{level}")


@pytest.mark.parametrize("line", ["#hashtag not a heading", "####### seven hashes"])
def test_markdown_not_atx_headings(line: str) -> None:
    (block,) = parse_markdown(line)
    assert block.kind == "paragraph"
    assert block.text == line


def test_markdown_empty_atx_heading_is_dropped() -> None:
    assert parse_markdown("## ##\n\nText") == [Block(text="Text", kind="paragraph", style="md:p")]


def test_markdown_setext_headings() -> None:
    blocks = parse_markdown("Introduction\n============\n\nBackground\n----------\n\nSome text.")
    assert blocks == [
        Block(text="Introduction", kind="heading", level=1, style="md:h1"),
        Block(text="Background", kind="heading", level=2, style="md:h2"),
        Block(text="Some text.", kind="paragraph", style="md:p"),
    ]


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("**What I did**", "What I did"),
        ("__Actions__", "Actions"),
        ("**Actions:**", "Actions"),
        ("**Summary**:", "Summary"),
        ("  **Indented bold**  ", "Indented bold"),
    ],
)
def test_markdown_bold_only_line_is_a_heading(line: str, text: str) -> None:
    assert parse_markdown(line) == [Block(text=text, kind="heading", level=2, style="md:bold-line")]


@pytest.mark.parametrize(
    "text",
    [
        "**Note:** the customer rang back.",
        "Some **bold** words in a sentence.",
        "**Bold line that is definitely much too long to be a heading because it has more than fifteen words in it**",
        "**Two lines**\nin one paragraph",
    ],
)
def test_markdown_bold_text_that_is_not_a_heading(text: str) -> None:
    (block,) = parse_markdown(text)
    assert block.kind == "paragraph"


def test_markdown_line_starting_and_ending_in_bold_is_a_paragraph() -> None:
    blocks = parse_markdown(f"## Introduction\n\n{LONG}\n\n**Appendix A** shows the full **call log**\n\n{LONG}")
    assert [block.kind for block in blocks] == ["heading", "paragraph", "paragraph", "paragraph"]


# ----------------------------------------------------------------------------------------
# Markdown: paragraphs, inline markup, lists, tables, code
# ----------------------------------------------------------------------------------------


def test_markdown_paragraph_lines_are_joined() -> None:
    assert parse_markdown("First line\nsecond   line.\n\nNext.") == [
        Block(text="First line second line.", kind="paragraph", style="md:p"),
        Block(text="Next.", kind="paragraph", style="md:p"),
    ]


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("I read the [complaints policy](https://example.com/policy).", "I read the complaints policy."),
        ("See ![the chart](chart.png) below.", "See the chart below."),
        ("**bold** and __strong__ text", "bold and strong text"),
        ("*emphasis* and _underscored_ words", "emphasis and underscored words"),
        ("Run `ksb analyse` now", "Run ksb analyse now"),
        ("Hidden <!-- comment --> text", "Hidden text"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
    ],
)
def test_markdown_inline_markup_is_stripped(markdown: str, text: str) -> None:
    assert parse_markdown(markdown) == [Block(text=text, kind="paragraph", style="md:p")]


def test_markdown_lists() -> None:
    blocks = parse_markdown(
        "- first item\n- second with **bold**\n  continued here\n* star item\n+ plus item\n• bullet item\n"
        "1. numbered item\n2) paren item"
    )
    assert triples(blocks) == [
        ("list_item", None, "first item"),
        ("list_item", None, "second with bold continued here"),
        ("list_item", None, "star item"),
        ("list_item", None, "plus item"),
        ("list_item", None, "bullet item"),
        ("list_item", None, "numbered item"),
        ("list_item", None, "paren item"),
    ]
    assert {block.style for block in blocks} == {"md:li"}


def test_markdown_pipe_table_drops_separator_rows_and_keeps_cells() -> None:
    blocks = parse_markdown(
        "Before the table.\n| Week | Calls handled |\n|------|:-------------:|\n| 1 | **250** calls |\n"
        "| [Two](x) | 310 |\nAfter the table."
    )
    assert blocks == [
        Block(text="Before the table.", kind="paragraph", style="md:p"),
        Block(text="Week | Calls handled\n1 | 250 calls\nTwo | 310", kind="table", style="md:table"),
        Block(text="After the table.", kind="paragraph", style="md:p"),
    ]
    assert count_words(blocks[1].text) == 8


def test_markdown_code_fences_keep_lines_as_text() -> None:
    blocks = parse_markdown(
        "Before.\n\n```python\ndef f():   return 1\n\n# not a heading\n```\n\n~~~\n- not a list\n~~~\n\nAfter."
    )
    assert triples(blocks) == [
        ("paragraph", None, "Before."),
        ("paragraph", None, "def f(): return 1"),
        ("paragraph", None, "# not a heading"),
        ("paragraph", None, "- not a list"),
        ("paragraph", None, "After."),
    ]
    assert [block.style for block in blocks[1:4]] == ["md:code"] * 3


def test_markdown_whitespace_only_gives_no_blocks() -> None:
    assert parse_markdown("\n\n   \n\t\n") == []


def test_markdown_report_outline() -> None:
    markdown = (
        "# Reducing Repeat Calls\n\nApprentice: Jo Bloggs\n\n## Introduction\n\n"
        f"{LONG}\n\n## What I did\n\n- Rang back\n- Wrote to the customer\n\n## References\n\n"
        "Smith (2020).\n\n## Appendix A – call log\n\n### Call 1\n\nNotes."
    )
    blocks = parse_markdown(markdown)
    assert [(b.kind, b.level, b.text) for b in blocks if b.kind == "heading"] == [
        ("heading", 1, "Reducing Repeat Calls"),
        ("heading", 2, "Introduction"),
        ("heading", 2, "What I did"),
        ("heading", 2, "References"),
        ("heading", 2, "Appendix A – call log"),
        ("heading", 3, "Call 1"),
    ]


# ----------------------------------------------------------------------------------------
# Markdown: the line rules kept on top of markdown-it (analyser.extract.markdown)
# ----------------------------------------------------------------------------------------


def test_markdown_unindented_line_after_a_list_item_is_a_paragraph() -> None:
    blocks = parse_markdown("Contents\n\n12. What I learned\n13. Conclusion\nAnnex A – Returns tracker\nAnnex B – Emails")
    assert triples(blocks) == [
        ("paragraph", None, "Contents"),
        ("list_item", None, "What I learned"),
        ("list_item", None, "Conclusion"),
        ("paragraph", None, "Annex A – Returns tracker Annex B – Emails"),
    ]


def test_markdown_indented_lines_after_a_list_item_continue_it() -> None:
    blocks = parse_markdown("- first\n\n  more about the first\n- second\n\n    still the second")
    assert triples(blocks) == [("list_item", None, "first more about the first"), ("list_item", None, "second still the second")]


@pytest.mark.parametrize("marker", ["•", "3.", "4)"])
def test_markdown_list_line_inside_a_paragraph_starts_an_item(marker: str) -> None:
    blocks = parse_markdown(f"The steps were as follows\n{marker} ring the customer back")
    assert triples(blocks) == [("paragraph", None, "The steps were as follows"), ("list_item", None, "ring the customer back")]


def test_markdown_pipe_lines_without_a_delimiter_row_are_a_table() -> None:
    blocks = parse_markdown("Calls per week:\n| Week | Calls |\n| 1 | 250 |\n\n| Total | 250 |")
    assert triples(blocks) == [
        ("paragraph", None, "Calls per week:"),
        ("table", None, "Week | Calls\n1 | 250"),
        ("table", None, "Total | 250"),
    ]


def test_markdown_table_rows_keep_every_cell_and_drop_delimiter_rows() -> None:
    blocks = parse_markdown("| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n|---|---|")
    assert blocks == [Block(text="a | b\n1\n1 | 2 | 3", kind="table", style="md:table")]


def test_markdown_commonmark_readings_that_changed_with_markdown_it() -> None:
    """Where the old regular expressions misread Markdown, CommonMark's reading is kept."""
    assert parse_markdown("| option | `text\\|json` |\n|---|---|")[0].text == "option | text|json"
    assert parse_markdown("Run `__init__` and \\*this\\*")[0].text == "Run __init__ and \\*this\\*"
    assert parse_markdown("x*y*z")[0].text == "xyz"


def test_markdown_lines_after_a_table_are_parsed_again() -> None:
    blocks = parse_markdown("| a | b |\n|---|---|\n| 1 | 2 |\nAfter the table.\n- an item\n| c |")
    assert triples(blocks) == [
        ("table", None, "a | b\n1 | 2"),
        ("paragraph", None, "After the table."),
        ("list_item", None, "an item"),
        ("table", None, "c"),
    ]


def test_markdown_setext_underline_under_several_lines_is_text() -> None:
    blocks = parse_markdown("First line\nsecond line\n---\n\n- an item\n---")
    assert triples(blocks) == [
        ("paragraph", None, "First line second line ---"),
        ("list_item", None, "an item"),
        ("paragraph", None, "---"),
    ]


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("> quoted text", "> quoted text"),
        ("    indented text", "indented text"),
        ("***", "***"),
        ("[ref]: https://example.com", "[ref]: https://example.com"),
        ("<div>Kept</div>", "<div>Kept</div>"),
        ("AT&amp;T &copy; 2025", "AT&amp;T &copy; 2025"),
        ("See <https://example.com/a>", "See <https://example.com/a>"),
    ],
)
def test_markdown_constructs_a_plain_editor_means_as_text(markdown: str, text: str) -> None:
    assert parse_markdown(markdown) == [Block(text=text, kind="paragraph", style="md:p")]


def test_markdown_lines_split_as_splitlines_does() -> None:
    assert triples(parse_markdown("# Title\x0cText after a form feed\u2028and a line separator")) == [
        ("heading", 1, "Title"),
        ("paragraph", None, "Text after a form feed and a line separator"),
    ]


# ----------------------------------------------------------------------------------------
# Plain text
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("3. What I did", 2),
        ("3 What I did", 2),
        ("2.1 Purpose", 3),
        ("2.1. Purpose", 3),
        ("4.2.1 Feedback from the customer", 4),
    ],
)
def test_plain_numbered_headings(line: str, level: int) -> None:
    blocks = parse_plain_text(f"{LONG}\n\n{line}\n\n{LONG}")
    assert blocks[1] == Block(text=line, kind="heading", level=level, style="txt:line")


@pytest.mark.parametrize(
    "line",
    ["Introduction", "References", "Reference list", "Bibliography", "Contents", "Appendix A – call log", "ANNEXES", "Conclusion"],
)
def test_plain_known_section_names_are_headings(line: str) -> None:
    blocks = parse_plain_text(f"{LONG}\n\n{line}\n\nShort.")
    assert blocks[1] == Block(text=line, kind="heading", level=2, style="txt:line")


def test_plain_short_line_before_a_longer_paragraph_is_a_heading() -> None:
    blocks = parse_plain_text(f"{LONG}\n\nHow I handled the complaint\n\n{LONG}")
    assert triples(blocks) == [("paragraph", None, LONG), ("heading", 2, "How I handled the complaint"), ("paragraph", None, LONG)]


@pytest.mark.parametrize(
    "line",
    [
        "I did it.",  # punctuated
        "Customer feedback:",  # ends with a colon
        "then it went quiet",  # not capitalised
        "The end",  # last paragraph: nothing follows
    ],
)
def test_plain_lines_that_are_not_headings(line: str) -> None:
    blocks = parse_plain_text(f"{LONG}\n\n{line}" + ("" if line == "The end" else f"\n\n{LONG}"))
    assert blocks[1].kind == "paragraph"


def test_plain_numbered_sentence_is_a_list_item() -> None:
    blocks = parse_plain_text(f"{LONG}\n\n3. We called the customer back within the hour.\n\n{LONG}")
    assert blocks[1] == Block(text="We called the customer back within the hour.", kind="list_item", style="txt:li")


def test_plain_heading_on_top_of_its_paragraph() -> None:
    blocks = parse_plain_text(f"3. What I did\n{LONG}\n\nReferences\nSmith (2020) Customer Service.")
    assert triples(blocks) == [
        ("heading", 2, "3. What I did"),
        ("paragraph", None, LONG),
        ("heading", 2, "References"),
        ("paragraph", None, "Smith (2020) Customer Service."),
    ]


def test_plain_hard_wrapped_paragraph_is_joined() -> None:
    blocks = parse_plain_text("The customer rang on Monday\nabout a late   delivery and\nasked for a refund.")
    assert blocks == [
        Block(text="The customer rang on Monday about a late delivery and asked for a refund.", kind="paragraph", style="txt:p")
    ]


def test_plain_lists() -> None:
    blocks = parse_plain_text("- one\n- two\n\n• bullet\n\n1. first\n2) second")
    assert triples(blocks) == [
        ("list_item", None, "one"),
        ("list_item", None, "two"),
        ("list_item", None, "bullet"),
        ("list_item", None, "first"),
        ("list_item", None, "second"),
    ]


def test_plain_first_unnumbered_heading_is_the_title() -> None:
    blocks = parse_plain_text(f"Reducing Repeat Calls at Acme\n\n{LONG}\n\n1. Introduction\n\n{LONG}")
    assert triples(blocks)[0] == ("heading", 1, "Reducing Repeat Calls at Acme")
    assert triples(blocks)[2] == ("heading", 2, "1. Introduction")


def test_plain_numbered_or_named_first_heading_is_not_promoted() -> None:
    blocks = parse_plain_text(f"1. Introduction\n\n{LONG}\n\nSummary\n\n{LONG}")
    assert triples(blocks)[0] == ("heading", 2, "1. Introduction")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_plain_windows_and_old_mac_line_endings(newline: str) -> None:
    text = newline.join(["Summary", "", LONG, "", "References", "", "Smith (2020)."])
    assert triples(parse_plain_text(text)) == [
        ("heading", 2, "Summary"),
        ("paragraph", None, LONG),
        ("heading", 2, "References"),
        ("paragraph", None, "Smith (2020)."),
    ]


def test_plain_sentence_starting_with_appendix_is_a_paragraph(tmp_path: Path) -> None:
    text = f"Introduction\n\n{LONG}\n\nAppendix A shows the full call log for this complaint.\n\n{LONG}"
    document = extract_text(write(tmp_path, "report.txt", text.encode("utf-8")))
    assert [block.kind for block in document.blocks] == ["heading", "paragraph", "paragraph", "paragraph"]
    assert [section.part for section in segment_document(document)] == ["body"]


def test_plain_wrapped_paragraph_starting_with_appendix_is_not_split() -> None:
    text = (
        f"Introduction\n\n{LONG}\n\nAppendix A shows the call log that I kept for this complaint and\n"
        "the actions that I took to resolve it over the next two weeks."
    )
    blocks = parse_plain_text(text)
    assert [block.kind for block in blocks] == ["heading", "paragraph", "paragraph"]


# ----------------------------------------------------------------------------------------
# Encodings and files
# ----------------------------------------------------------------------------------------

SAMPLE = "Summary\n\nThe café served 2,500 customers – “quickly”.\n"
SAMPLE_BLOCKS = ["Summary", "The café served 2,500 customers – “quickly”."]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf-8", SAMPLE.encode("utf-8")),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")),
        ("utf-16 with BOM", SAMPLE.encode("utf-16")),
        ("utf-16-le with BOM", b"\xff\xfe" + SAMPLE.encode("utf-16-le")),
        ("utf-16-be with BOM", b"\xfe\xff" + SAMPLE.encode("utf-16-be")),
        ("utf-16-le without BOM", SAMPLE.encode("utf-16-le")),
        ("utf-16-be without BOM", SAMPLE.encode("utf-16-be")),
        ("cp1252", SAMPLE.encode("cp1252")),
    ],
)
def test_encodings(tmp_path: Path, name: str, data: bytes) -> None:
    document = extract_text(write(tmp_path, "report.txt", data))
    assert [block.text for block in document.blocks] == SAMPLE_BLOCKS


def test_utf16_without_bom_of_technical_text(tmp_path: Path) -> None:
    text = "# Notes\n\n| `ksb` | --format text\\|json | <x> |\n\n```\n{\"a\": [1, 2]}\n```\n" * 20
    for encoding in ("utf-16-le", "utf-16-be"):
        assert decode_text(text.encode(encoding), path=Path("r.md")) == text


def test_windows_1252_text_with_a_stray_nul_is_text() -> None:
    data = ("The café served 2,500 customers – “quickly”. " * 20).encode("cp1252")
    data = data[:100] + b"\x00" + data[100:]
    assert decode_text(data, path=Path("r.txt")).startswith("The café served")


def test_utf16_guessed_without_bom_must_be_latin() -> None:
    with pytest.raises(InputError, match=r"binary content"):
        decode_text("日本語のテキストです。".encode("utf-16-le") * 50 + b"\x00\x00" * 10, path=Path("r.txt"))


def test_latin1_bytes() -> None:
    assert decode_text(b"caf\xe9 au lait", path=Path("r.txt")) == "café au lait"


def test_cp1252_curly_quotes_and_dashes() -> None:
    assert decode_text(b"\x93quoted\x94 \x96 it\x92s \x80742", path=Path("r.txt")) == "“quoted” – it’s €742"


def test_utf8_bom_is_not_part_of_the_first_heading(tmp_path: Path) -> None:
    document = extract_text(write(tmp_path, "report.md", b"\xef\xbb\xbf# Title\n\nText."))
    assert document.blocks[0] == Block(text="Title", kind="heading", level=1, style="md:h1")


def test_truncated_utf16_with_bom_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", b"\xff\xfe" + "Hello".encode("utf-16-le") + b"\x00")
    with pytest.raises(InputError, match="unreadable UTF-16 text") as info:
        extract_text(path)
    assert info.value.path == path


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 16,
        random.Random(0).randbytes(5000),
        b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(3000),
    ],
    ids=["byte-ramp", "random", "png-like"],
)
def test_binary_renamed_txt_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "report.txt", data)
    with pytest.raises(InputError, match=r"not a text file \(binary content\)") as info:
        extract_document(path)
    assert info.value.path == path


def _small_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "x" * 10_000)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [b"\x00" * 1000, _small_zip()], ids=["all-nul", "small-zip"])
def test_nul_heavy_binary_renamed_txt_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match="not a text file"):
        extract_document(write(tmp_path, "report.txt", data))


def test_document_fields(tmp_path: Path) -> None:
    data = b"# Title\n\nText."
    path = write(tmp_path, "report.md", data)
    document = extract_text(path)
    assert document.path == path
    assert document.format == "md"
    assert document.pages is None
    assert document.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("name", "fmt", "kind"), [("r.txt", "txt", "paragraph"), ("r.TXT", "txt", "paragraph"), ("r.MD", "md", "heading")])
def test_suffix_decides_markdown_or_plain(tmp_path: Path, name: str, fmt: str, kind: str) -> None:
    document = extract_document(write(tmp_path, name, b"# Title\n\nSome text here."))
    assert document.format == fmt
    assert document.blocks[0].kind == kind


def test_whitespace_only_text_has_no_blocks(tmp_path: Path) -> None:
    assert extract_text(write(tmp_path, "report.txt", b" \n\n\t\n")).blocks == ()


def test_unreadable_text_file_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "report.txt", b"Text.")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match="cannot read"):
        extract_document(path)


# ----------------------------------------------------------------------------------------
# The dispatcher's checks
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("report.pages", r"unsupported format '\.pages'; save it as \.docx, \.pdf, \.txt or \.md"),
        ("report.wps", r"unsupported format '\.wps'"),
        ("report", r"unsupported format '\(no extension\)'"),
    ],
)
def test_unsupported_format(tmp_path: Path, name: str, match: str) -> None:
    path = write(tmp_path, name, b"Some text.")
    with pytest.raises(InputError, match=match) as info:
        extract_document(path)
    assert info.value.path == path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found; check the path"):
        extract_document(tmp_path / "missing.txt")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="not a file"):
        extract_document(tmp_path / "folder.txt")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"empty file \(0 bytes\)"):
        extract_document(write(tmp_path, "report.md", b""))


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", b"x" * 2_000_000)
    with pytest.raises(InputError, match=r"file is 1\.9 MB, over the 1 MB limit"):
        extract_document(path, settings=ExtractSettings(max_file_bytes=1024 * 1024))


@pytest.mark.parametrize("field", ["max_file_bytes", "max_pages", "max_uncompressed_bytes"])
@pytest.mark.parametrize("value", [0, -1, 1.5])
def test_extract_settings_validate_themselves(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"The '{field}' parameter must be a positive integer. Got {value!r} instead."):
        ExtractSettings(**{field: value})  # type: ignore[arg-type]


def test_bold_lines_under_real_headings_are_emphasis_not_headings() -> None:
    """Issue 12: bold-only lines under a #### heading outranked it (225 sections as .md against 49 as .docx)."""
    from analyser.extract.text import parse_markdown

    blocks = parse_markdown("# Title\n\n## 1. What I did\n\n#### Calls\n\n**Monday**\n\nI rang the customer.\n\n**Tuesday**\n\nI wrote back.\n")
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings == [("Title", 1), ("1. What I did", 2), ("Calls", 4)]
    assert [b.text for b in blocks if b.kind == "paragraph"][:2] == ["Monday", "I rang the customer."]


def test_bold_lines_are_headings_below_the_title_when_nothing_else_marks_the_structure() -> None:
    from analyser.extract.text import parse_markdown

    blocks = parse_markdown("# Title\n\n**Introduction**\n\nSome text here.\n\n**What I did**\n\nMore text.\n")
    assert [(b.text, b.level) for b in blocks if b.kind == "heading"] == [("Title", 1), ("Introduction", 2), ("What I did", 2)]


def test_a_title_and_appendix_headings_leave_the_bold_lines_as_the_body_structure() -> None:
    blocks = parse_markdown(
        "# Report title\n\n**Introduction**\n\nText.\n\n**What I did**\n\nMore text.\n\n## Appendix A\n\nEmails.\n\n## Appendix B\n\nSurvey.\n"
    )
    assert [(b.kind, b.level, b.text) for b in blocks if b.kind == "heading"] == [
        ("heading", 1, "Report title"), ("heading", 2, "Introduction"), ("heading", 2, "What I did"),
        ("heading", 2, "Appendix A"), ("heading", 2, "Appendix B"),
    ]
