#!/usr/bin/env python3
"""md2scd.py: the man pages from the Markdown in docs/, through scdoc.

    md2scd.py TITLE NAME_LINE FILE.md... > page.scd      (then: scdoc < page.scd)

TITLE is the page's title line (`foster(1)`), NAME_LINE its NAME section
(`foster - ...`). The Markdown files are the one source of the contract: they
are what readers see in the repository, the examples in them are run by
tests/docs/doc_examples_test.py, and the man pages are made from them at build
time. So they use a small subset of Markdown, and anything outside it is an
error naming the file and line rather than a page that silently says less:

    # Title               the file's title: left out (the page has its own)
    ## Heading            a man section (upper-cased); ### a subsection;
                          SEE ALSO is moved to the end of the page
    paragraphs            `code` and **bold** become bold, *emphasis* underlined,
                          [text](target) becomes text (a page: its man name)
    - item / 1. item      lists; continuation lines indented by two or three spaces
    ```info ... ```       literal blocks (the info string is dropped)
    | a | b |             tables: one entry per row, the first cell bold, the
                          others an indented paragraph under it
    <!-- ... -->          comments, on lines of their own: left out
    <!-- not in the man page --> ... <!-- /not in the man page -->
                          Markdown only (such as links to the other pages)
"""

import re
import sys

# Markdown files that are man pages: a link to one names the page.
PAGES = {"commands.md": "*foster*(1)", "manifest.md": "*foster.ini*(5)"}


class MarkdownError(Exception):
    pass


def escape(text):
    """Escapes what scdoc would read as formatting in plain text."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def inline(text, where):
    """Markdown inline markup to scdoc's."""
    out = []
    pos = 0
    pattern = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|\*([^*\s][^*]*)\*")
    for match in pattern.finditer(text):
        out.append(escape(text[pos:match.start()]))
        code, bold, link_text, target, emphasis = match.groups()
        if code is not None:
            out.append("*" + escape(code) + "*")
        elif bold is not None:
            out.append("*" + inline_inner(bold) + "*")
        elif link_text is not None:
            out.append(link_text_to_scd(link_text, target))
        else:
            out.append("_" + inline_inner(emphasis) + "_")
        pos = match.end()
    rest = text[pos:]
    if "`" in rest:
        raise MarkdownError("%s: unbalanced ` in: %s" % (where, text))
    out.append(escape(rest))
    return "".join(out)


def inline_inner(text):
    # Inside bold or emphasis, `code` loses its backticks (scdoc cannot nest).
    return escape(text.replace("`", ""))


def link_text_to_scd(text, target):
    shown = inline_inner(text)
    page = PAGES.get(target.split("#")[0].split("/")[-1])
    if page and page not in shown and "(" not in text:
        return "%s (%s)" % (shown, page)
    return shown


def table_rows(lines, where):
    rows = []
    for number, line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            continue
        rows.append((number, cells))
    if len(rows) < 2:
        raise MarkdownError("%s: a table needs a header row and one row at least" % where)
    out = []
    for number, cells in rows[1:]:
        out.append(inline(cells[0], "%s:%d" % (where, number)))
        rest = "; ".join(inline(cell, "%s:%d" % (where, number)) for cell in cells[1:] if cell)
        if rest:
            out.append("\t" + rest)
        out.append("")
    return out


def convert(path, lines):
    out = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\n")
        where = "%s:%d" % (path, i + 1)
        if line.startswith("```"):
            out.append("```")
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(lines[i].rstrip("\n").replace("\\", "\\\\"))
                i += 1
            if i == len(lines):
                raise MarkdownError("%s: unterminated ``` block" % where)
            out.append("```")
        elif line.strip() == "<!-- not in the man page -->":
            while lines[i].strip() != "<!-- /not in the man page -->":
                i += 1
                if i == len(lines):
                    raise MarkdownError("%s: no <!-- /not in the man page -->" % where)
        elif line.startswith("<!--"):
            while "-->" not in lines[i]:
                i += 1
                if i == len(lines):
                    raise MarkdownError("%s: unterminated comment" % where)
        elif line.startswith("# "):
            pass  # the file's title
        elif line.startswith("## "):
            out.append("# " + line[3:].strip().upper())
        elif line.startswith("### "):
            out.append("## " + inline_inner(line[4:].strip()))
        elif line.startswith("#"):
            raise MarkdownError("%s: only ##, ### headings are made into man sections" % where)
        elif line.startswith("|"):
            table = []
            while i < len(lines) and lines[i].startswith("|"):
                table.append((i + 1, lines[i].rstrip("\n")))
                i += 1
            out.extend(table_rows(table, where))
            continue
        elif re.match(r"(- |\d+\. )", line):
            marker = "- " if line.startswith("- ") else ". "
            text = re.sub(r"^(- |\d+\. )", "", line)
            while i + 1 < len(lines) and re.match(r"   ?\S", lines[i + 1]):
                i += 1
                text += " " + lines[i].strip()
            out.append(marker + inline(text, where))
        elif line.startswith(" ") and line.strip():
            raise MarkdownError("%s: indented text outside a list (use a ``` block)" % where)
        elif line.strip():
            # A paragraph: its lines joined, so that markup may span them.
            text = line.strip()
            while i + 1 < len(lines) and is_paragraph_line(lines[i + 1]):
                i += 1
                text += " " + lines[i].strip()
            out.append(inline(text, where))
            out.append("")
        else:
            out.append("")
        i += 1
    return out


def is_paragraph_line(line):
    return bool(line.strip()) and not re.match(r"(#|\||```|<!--|- |\d+\. | )", line)


def see_also_last(lines):
    """The SEE ALSO section moved to the end, where man pages keep it."""
    try:
        start = lines.index("# SEE ALSO")
    except ValueError:
        return lines
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("# ")), len(lines))
    return lines[:start] + lines[end:] + [""] + lines[start:end]


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: md2scd.py TITLE NAME_LINE FILE.md...\n")
        return 2
    title, name = argv[1], argv[2]
    out = [title, "", "# NAME", "", escape(name), ""]
    try:
        for path in argv[3:]:
            with open(path, encoding="utf-8") as f:
                out.extend(convert(path, f.readlines()))
            out.append("")
    except (MarkdownError, OSError) as error:
        sys.stderr.write("md2scd: %s\n" % error)
        return 1
    out = see_also_last(out)
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    sys.stdout.write(text.rstrip("\n") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
