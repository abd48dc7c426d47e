"""`privacydesk idcheck FILE`: check an ID copy before anyone keeps it.

Exit 0 accepted, 1 refused, 2 unusable file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privacydesk.cli._common import JsonOpt, console, print_json
from privacydesk.errors import UnusableInput
from privacydesk.idcheck import IdCheckResult, check_id_document
from privacydesk.idcheck.messages import LANGS
from privacydesk.idcheck.source import MAX_BYTES

FileArg = Annotated[
    Path, typer.Argument(help="A photo or scan of the ID: JPEG, PNG, HEIC or PDF.", show_default=False)
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the message: nl or en.")]
AnnotateOpt = Annotated[
    Path | None,
    typer.Option(
        "--annotate", help="Write the image with boxes around readable parts to this PNG.", show_default=False
    ),
]


def _read(file: Path) -> bytes:
    if not file.is_file():
        raise UnusableInput(f"{file}: no such file", hint="give the path of a photo or scan of the ID")
    if file.stat().st_size > MAX_BYTES:
        raise UnusableInput(
            f"{file}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
            hint="send a smaller photo or scan",
        )
    return file.read_bytes()


def _show(result: IdCheckResult, lang: str) -> None:
    verdict = "[green]accepted[/green]" if result.accepted else "[red]refused[/red]"
    console.print(f"{verdict}: {result.message(lang)}", soft_wrap=True)
    for finding in result.findings:
        where = (
            "in the text"
            if finding.region is None
            else (f"x={finding.region.x} y={finding.region.y} {finding.region.width}×{finding.region.height}")
        )
        console.print(
            f"  {finding.part.value}: page {finding.page + 1}, {where} — {finding.detail}", soft_wrap=True
        )


def idcheck(
    file: FileArg, as_json: JsonOpt = False, lang: LangOpt = "nl", annotate: AnnotateOpt = None
) -> None:
    """Refuse an ID copy whose photo, MRZ, document number or BSN is readable; nothing is stored.

    The annotated image is written only where --annotate asks (the person's own copy, on their own disk).
    """
    if lang not in LANGS:
        raise UnusableInput(f"--lang {lang}: unknown language", hint="use --lang nl or --lang en")
    result = check_id_document(_read(file), filename=file.name)
    if annotate is not None and result.previews:
        annotate.write_bytes(result.previews[0])
    if as_json:
        print_json({"file": str(file), **result.as_dict(lang)})
    else:
        _show(result, lang)
    raise typer.Exit(0 if result.accepted else 1)


def register(app: typer.Typer) -> None:
    app.command("idcheck")(idcheck)
