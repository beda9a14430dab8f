"""Real documents made by real tools for the reader tests: PDF by headless Chromium, DOCX by python-docx."""
from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def article_html(title: str, paragraphs: list[str], *, head: str = "", header: str = "", footer: str = "",
                 page_numbers: bool = False, nav: str = "", before: str = "", after: str = "") -> str:
    """An HTML page: ``title`` as <h1>, ``before`` then the paragraphs (``<h2>`` for items starting with "## ")
    and ``after`` in <article>; ``header``/``footer`` repeated on every printed page (a table's head and foot),
    ``nav`` around the article."""
    body = "".join(f"<h2>{html.escape(p[3:])}</h2>" if p.startswith("## ") else f"<p>{html.escape(p)}</p>"
                   for p in paragraphs)
    top = f'<thead><tr><td class="runhead">{html.escape(header)}</td></tr></thead>' if header else ""
    bottom = f'<tfoot><tr><td class="runfoot">{html.escape(footer)}</td></tr></tfoot>' if footer else ""
    css = """@page { size: A5; margin: 12mm 14mm 14mm 14mm; }
body { font-family: 'WenQuanYi Micro Hei', sans-serif; font-size: 11pt; line-height: 1.6; }
table.page { border-collapse: collapse; width: 100%; } td { padding: 0; }
.runhead { font-size: 8pt; text-align: center; padding-bottom: 4mm; }
.runfoot { font-size: 8pt; text-align: center; padding-top: 4mm; }"""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{css}</style>{head}</head><body>{nav}<table class="page">{top}{bottom}<tbody><tr><td><article>'
            f"<h1>{html.escape(title)}</h1>{before}{body}{after}</article></td></tr></tbody></table></body></html>")


def pdf_from_html(page: str, out: Path, *, display_header_footer: bool = False) -> Path:
    """Print ``page`` to ``out`` with headless Chromium."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "page.html"
        src.write_text(page, encoding="utf-8")
        args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}"]
        if not display_header_footer:
            args.append("--no-pdf-header-footer")
        subprocess.run(args + [src.as_uri()], check=True, capture_output=True, timeout=120)
    return out
