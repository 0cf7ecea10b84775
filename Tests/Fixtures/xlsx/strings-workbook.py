#!/usr/bin/env python3
"""Writes strings into an xlsx workbook as Excel would, for the random-Unicode law.

Reads a JSON array of [id, string] pairs and writes sheet rows `id | value` under the header
`id, value` with openpyxl, each value a text cell. Like Excel, it writes each character XML 1.0
cannot carry (controls but tab and line feed, the carriage return, U+FFFE, U+FFFF) as Office
Open XML's `_xHHHH_` escape, and a literal `_xHHHH_` in the text with its underscore escaped
(`_x005F_`); openpyxl alone writes both raw, which readers take for other text. A string
holding a lone surrogate cannot be written as UTF-8 at all: its row is left out, and its id is
printed, one a line.

usage: strings-workbook.py STRINGS.json OUT.xlsx
"""

import json
import re
import sys

import openpyxl


def excel_text(text):
    text = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", text)

    def escaped(character):
        code = ord(character)
        allowed = code in (0x9, 0xA) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
        return character if allowed else "_x%04X_" % code

    return "".join(escaped(character) for character in text)


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        pairs = json.load(source)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "value"])
    row = 2
    for identifier, text in pairs:
        if any(0xD800 <= ord(character) <= 0xDFFF for character in text):
            print(identifier)
            continue
        sheet.cell(row=row, column=1, value=identifier)
        cell = sheet.cell(row=row, column=2, value=excel_text(text))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        row += 1
    workbook.save(sys.argv[2])


main()
