"""Fill in a form with LibreOffice Calc itself, headless, as a respondent would, and save it as .xlsx.

Run with the system Python that has LibreOffice's UNO bridge (Debian: python3-uno), not the
project's virtualenv:

    /usr/bin/python3 tests/lo_fill.py FORM.xlsx OUT.xlsx FILLS.json PROFILE_DIR

FILLS.json is a list of [sheet, row, column, text]: each text is entered into that cell the way
choosing from the drop-down or typing into a text cell does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(form: str, out: str, fills: str, profile: str) -> None:
    pipe = f"crmcheck-{uuid.uuid4().hex}"
    office = subprocess.Popen(["soffice", f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless",
                               "--invisible", "--norestore", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # NoConnectException (a UNO type) until soffice is listening
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(Path(form).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        for sheet, row, col, text in json.loads(Path(fills).read_text(encoding="utf-8")):
            cell = doc.Sheets.getByName(sheet).getCellByPosition(col - 1, row - 1)
            cell.setString(text)
        doc.storeToURL(Path(out).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        desktop.terminate()
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:5])
