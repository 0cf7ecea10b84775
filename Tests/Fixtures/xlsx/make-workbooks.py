#!/usr/bin/env python3
"""Writes the xlsx workbooks the spreadsheet tests ingest into the folder it is given.

The workbooks are made by a real writer, openpyxl. openpyxl computes no formula, so its
formula cells carry no result; Excel computes them when it saves, keeps each result beside its
formula and moves the cells' strings into one shared table. `saved_by_excel` does those two
things to openpyxl's file, so the tests read what an analyst's Excel would send:

  orders.xlsx         sheets Orders (first) and Customers; shared strings, formulas with their
                      results (one of them #N/A), an #N/A cell, booleans, dates and times in the
                      1900 date system, an empty row, a row with a value beyond the header
  orders-1904.xlsx    the same, in the 1904 date system (old Mac workbooks)
  uncalculated.xlsx   openpyxl's own file: inline strings, formulas without results
  streamed.xlsx       written part by part as streaming writers do: inline strings with rich
                      text runs and an escaped carriage return, formula strings (t="str"), no
                      cell references, a header with a backslash, an error cell,
                      and a chart sheet before the worksheet
  doctype.xlsx        the same, its worksheet declaring entities that expand into entities

usage: make-workbooks.py FOLDER
"""

import datetime
import os
import re
import sys
import zipfile
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

ORDERS_HEADER = ["Order ID", "Customer name", "Amount", "Quantity", "Total", "Ordered on", "Paid at", "Paid", "Note"]

# Each row as openpyxl is given it, and the results Excel computes for its formulas.
ORDERS_ROWS = [
    ["O-1001", "Zoë Müller", 12.5, 2, "=C2*D2", datetime.date(2023, 11, 1), datetime.datetime(2023, 11, 1, 12, 30),
     True, "first order"],
    ["O-1002", "Thandi Nkosi", 0.1, 3, "=C3*D3", datetime.date(2024, 2, 29),
     datetime.datetime(2024, 2, 29, 23, 59, 59, 250000), False, None],
    [None],
    ["O-1004", "Zoë Müller", "#N/A", 1, "=C5*D5", datetime.date(1904, 1, 2), datetime.datetime(1999, 12, 31, 0, 0),
     True, "price missing"],
    [1005, "Thandi Nkosi", 7, 1, "=C6*D6", datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 8, 0), False,
     "number as order id"],
    ["O-1006", "Ana Silva", 3, 2, "=C7*D7", datetime.date(2024, 1, 3), datetime.datetime(2024, 1, 3, 9, 15), True,
     None, "beyond the header"],
]
ORDERS_RESULTS = {"E2": ("n", "25"), "E3": ("n", "0.30000000000000004"), "E5": ("e", "#N/A"), "E6": ("n", "7"),
                  "E7": ("n", "6")}

CUSTOMERS_HEADER = ["Customer ID", "Name", "Since"]
CUSTOMERS_ROWS = [["C-1", "Zoë Müller", datetime.date(2020, 5, 17)], ["C-2", "Thandi Nkosi", datetime.date(2021, 8, 9)]]


def orders_workbook(epoch=None):
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    orders = workbook.active
    orders.title = "Orders"
    for row in [ORDERS_HEADER] + ORDERS_ROWS:
        orders.append(row)
    for row in orders.iter_rows(min_row=2):
        row[5].number_format = "yyyy-mm-dd"
        row[6].number_format = "yyyy-mm-dd hh:mm:ss.000"
    customers = workbook.create_sheet("Customers")
    for row in [CUSTOMERS_HEADER] + CUSTOMERS_ROWS:
        customers.append(row)
    return workbook


def saved_by_excel(path, results):
    """Gives the first sheet's formulas the results `results` holds by cell and moves every
    inline string into a shared strings table, as Excel's save does."""
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    strings = {}

    def shared(match):
        text = "".join(re.findall(r"<t[^>]*>(.*?)</t>", match.group(2), re.S))
        index = strings.setdefault(text, len(strings))
        return f'{match.group(1)} t="s"><v>{index}</v></c>'

    for name in sorted(n for n in parts if n.startswith("xl/worksheets/")):
        xml = parts[name].decode()
        xml = re.sub(r'(<c r="[A-Z]+[0-9]+"(?: s="[0-9]+")?) t="inlineStr"><is>(.*?)</is></c>', shared, xml, flags=re.S)
        if name == "xl/worksheets/sheet1.xml":
            for cell, (kind, value) in results.items():
                typed = f' t="{kind}"' if kind != "n" else ""
                xml, count = re.subn(rf'<c r="{cell}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v>\s*</v>)', rf'<c r="{cell}"\1{typed}><f>\2</f><v>{value}</v>', xml)
                assert count == 1, f"no formula in {cell} to give its result"
        parts[name] = xml.encode()
    if not strings:
        assert "xl/sharedStrings.xml" in parts, "openpyxl wrote neither inline nor shared strings"
        return write(path, parts)
    items = "".join(f"<si><t xml:space=\"preserve\">{text}</t></si>" for text in strings)
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>').encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdShared" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>".encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    write(path, parts)


def write(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def streamed(path, prolog=""):
    """A workbook written part by part, as streaming writers (Apache POI's SXSSF, SheetJS) do;
    `prolog` comes before its worksheet's first element."""
    def inline(text):
        return f'<c t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    header = "".join(inline(name) for name in ["Order ID", "Customer name", "Amount", "Ordered on", 'Ref A\\B'])
    rows = [
        f'<row>{header}</row>',
        '<row><c t="inlineStr"><is><r><t>O-</t></r><r><rPr><b/></rPr><t>2001</t></r></is></c>'
        '<c t="inlineStr"><is><t>Line one_x000D_</t><rPh sb="0" eb="1"><t>ignored</t></rPh></is></c>'
        '<c><v>1E-3</v></c><c><v>45292</v></c><c t="inlineStr"><is><t>R-1</t></is></c></row>',
        '<row><c t="str"><f>"O-"&amp;"2002"</f><v>O-2002</v></c><c t="inlineStr"><is><t>Ana Silva</t></is></c>'
        '<c><v>-4.5</v></c><c t="inlineStr"><is><t>2024-01-05</t></is></c><c t="e"><v>#REF!</v></c></row>',
    ]
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="/xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<x:workbook xmlns:x="{MAIN}" xmlns:rel="{RELATIONSHIPS}"><x:sheets>'
        '<x:sheet name="Chart" sheetId="1" rel:id="rId2"/><x:sheet name="Q1 Orders" sheetId="2" rel:id="rId1"/>'
        '</x:sheets></x:workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/data.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/chartsheet" Target="chartsheets/sheet1.xml"/>'
        '</Relationships>',
        "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"/>',
        "xl/worksheets/data.xml": f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>',
    }
    write(path, parts)


def main(folder):
    os.makedirs(folder, exist_ok=True)
    orders_workbook().save(os.path.join(folder, "orders.xlsx"))
    saved_by_excel(os.path.join(folder, "orders.xlsx"), ORDERS_RESULTS)
    orders_workbook(CALENDAR_MAC_1904).save(os.path.join(folder, "orders-1904.xlsx"))
    saved_by_excel(os.path.join(folder, "orders-1904.xlsx"), ORDERS_RESULTS)
    orders_workbook().save(os.path.join(folder, "uncalculated.xlsx"))
    streamed(os.path.join(folder, "streamed.xlsx"))
    # Entities that expand into entities, declared after a comment longer than a read holds
    # (and with markup in it), as hostile XML hides them.
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                                                        for i in range(8))
    streamed(os.path.join(folder, "doctype.xlsx"),
             '<?xml version="1.0"?><!-- ' + "<row> " * 20000 + f'--><!DOCTYPE worksheet [{entities}]>')


if __name__ == "__main__":
    main(sys.argv[1])
