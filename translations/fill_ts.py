#!/usr/bin/env python3
"""Fills the .ts files after lupdate: zh_CN from zh_CN.py, en with the source text (complete, never "unfinished").

Usage: translations/fill_ts.py translations/wan_studio_zh_CN.ts translations/wan_studio_en.ts
Exits non-zero and lists the strings that have no Chinese translation yet.
"""
import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ next to the .ts files
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zh_CN import ZH  # noqa: E402


def fill(path, language):
    tree = ET.parse(path)
    root = tree.getroot()
    root.set("language", language)
    root.set("sourcelanguage", "en")
    missing = []
    for message in root.iter("message"):
        source = message.find("source").text or ""
        translation = message.find("translation")
        plural = message.get("numerus") == "yes"
        for child in list(translation):
            translation.remove(child)
        translation.text = None
        translation.attrib.pop("type", None)
        if language == "en":
            forms = [source, source] if plural else source
        else:
            forms = ZH.get(source)
            if forms is None:
                missing.append(source)
                translation.set("type", "unfinished")
                continue
        if plural:
            for form in (forms if isinstance(forms, list) else [forms]):
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = forms if isinstance(forms, str) else forms[0]
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with open(path, "r+", encoding="utf-8") as f:  # keep the doctype lupdate writes
        text = f.read()
        if "<!DOCTYPE TS>" not in text:
            text = text.replace("?>\n", "?>\n<!DOCTYPE TS>\n", 1)
        f.seek(0)
        f.write(text)
        f.truncate()
    return missing


def main():
    missing = []
    for path in sys.argv[1:]:
        language = "zh_CN" if "zh_CN" in os.path.basename(path) else "en"
        missing += fill(path, language)
    for source in missing:
        print("no translation:", repr(source))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
