#!/usr/bin/env python3
"""Writes the malformed and hostile inbox files of Tests/Fixtures/bad/ (WatcherTests drops
them all into a watched inbox). Deterministic: run it again and git sees no change.
Text fixtures are written here too, so each one's bytes are visible in one place."""
import gzip, io, os, tarfile, warnings, zipfile

warnings.simplefilter('ignore')  # the duplicate zip member is the point

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = b'"Payment ID","First name","Last name",Amount,Method,"Paid at"\n'
ROW = b'1001,Thandi,Nkosi,10.00,card,2026-11-05\n'
GOOD_ROW = b'1002,Sipho,Dlamini,5.00,card,2026-11-05\n'

def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)

def zip_file(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as z:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=(2026, 11, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    write(name, buffer.getvalue())

def tar_file(name, entries, compress=True):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.PAX_FORMAT) as t:
        for entry, data in entries:
            entry.mtime = 1793491200
            t.addfile(entry, io.BytesIO(data) if data is not None else None)
    raw = buffer.getvalue()
    write(name, gzip.compress(raw, mtime=0) if compress else raw)

def regular(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data

def link(name, target, kind):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None

# CSV: payments*.csv
write('payments-unbalanced-quote.csv', HEADER + ROW + b'1002,"Unclosed,Smith,5.00,card,2026-11-05\n')
write('payments-empty.csv', b'')
write('payments-bom-only.csv', b'\xef\xbb\xbf')
write('payments-header-only.csv', HEADER)
write('payments-blank-lines.csv', b'\n\n\n')
write('payments-too-few-fields.csv', HEADER + ROW + b'1002,Sipho,Dlamini,5.00,card\n')
write('payments-too-many-fields.csv', HEADER + ROW + b'1002,Sipho,Dlamini,5.00,card,2026-11-05,extra\n')
write('payments-duplicate-header.csv', b'"Payment ID","First name","Last name",Amount,Amount,Method,"Paid at"\n1001,a,b,1,1,card,2026-11-05\n')
write('payments-empty-header-name.csv', b'"Payment ID","First name",,Amount,Method,"Paid at"\n1001,a,b,1,card,2026-11-05\n')
write('payments-missing-column.csv', b'"Payment ID","First name","Last name",Amount,Method\n1001,a,b,1,card\n')
write('payments-header-broken.csv', b'"Payment ID","First name""x,"Last name",Amount,Method,"Paid at"\n' + ROW)
write('payments-quote-in-field.csv', HEADER + ROW + b'1002,Si"pho,Dlamini,5.00,card,2026-11-05\n')
write('payments-text-after-quote.csv', HEADER + ROW + b'1002,"Sipho"x,Dlamini,5.00,card,2026-11-05\n')
write('payments-bom-in-middle.csv', HEADER + ROW + b'\xef\xbb\xbf' + GOOD_ROW)
write('payments-nul-byte.csv', HEADER + ROW + b'1002,Sip\x00ho,Dlamini,5.00,card,2026-11-05\n' + b'1003,A,B,1.00,card,2026-11-05\n' * 40)
write('payments-invalid-utf8.csv', HEADER + b'1001,Th\xc3\xa9o,Nkosi,10.00,card,2026-11-05\n1002,Sip\xffho,Dlamini,5.00,card,2026-11-05\n')
write('payments-windows-1252.csv', HEADER + b'1001,\x93Thandi\x94,Nkosi,10.00,card,2026-11-05\n')
write('payments-utf16-odd-length.csv', b'\xff\xfe' + HEADER.decode().encode('utf-16-le') + b'1')
write('payments-10mb-field.csv', HEADER + ROW + b'1002,' + b'A' * (10 << 20) + b',Dlamini,5.00,card,2026-11-05\n')
write('payments-all-rows-bad.csv', HEADER + b'1001,a\n1002,b\n1003,c\n')
write('payments-binary-garbage.csv', bytes((i * 7919 + 13) % 256 for i in range(4096)))
write('payments-png-renamed.csv', b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' + bytes(64))
write('payments-gzip-renamed.csv', gzip.compress(HEADER + ROW, mtime=0))

# JSON: products*.json, records at data.products
write('products-invalid.json', b'{"data": {"products": [\n  {"id": "P-1", "name": "ok"},\n  {"id": "P-2", "name": tru}\n]}}\n')
write('products-truncated.json', b'{"data": {"products": [\n  {"id": "P-1", "name": "ok"},\n  {"id": "P-2", "na')
write('products-empty.json', b'')
write('products-whitespace.json', b'  \n\t\n')
write('products-not-an-envelope.json', b'[{"id": "P-1"}]\n')
write('products-records-not-array.json', b'{"data": {"products": {"id": "P-1"}}}\n')
write('products-scalars-among-records.json', b'{"data": {"products": [1, "two", {"id": "P-1", "name": "ok", "type": "card", "price": {"amount": 1, "currency": "ZAR"}, "pinned": false, "updatedAt": "2026-11-01T00:00:00Z"}, null]}}\n')
write('products-trailing-garbage.json', b'{"data": {"products": []}} {"more": 1}\n')
write('products-deep-nesting.json', b'{"data": {"products": ' + b'[' * 5000 + b']' * 5000 + b'}}\n')
write('products-nul-byte.json', b'{"data": {"products": [{"id": "P\x00-1"}]}}\n')
write('products-empty-array.json', b'{"data": {"products": []}}\n')
write('products-bom-in-middle.json', b'{"data": \xef\xbb\xbf{"products": []}}\n')

# NDJSON: events*.ndjson
write('events-bad-line.ndjson', b'{"id": 1, "kind": "open"}\n{"id": 2, "kind": \n{"id": 3, "kind": "close"}\n')
write('events-array-line.ndjson', b'{"id": 1, "kind": "open"}\n[1, 2]\n"text"\n')
write('events-all-bad.ndjson', b'not json\n{broken\n')
write('events-empty.ndjson', b'\n\n')

# Archives
zip_file('drop-zip-bomb.zip', [('payments-bomb.csv', HEADER + b'\0' * (64 << 20))])
zip_file('drop-path-traversal.zip', [('../../etc/payments.csv', HEADER + ROW)])
zip_file('drop-duplicate-member.zip', [('payments.csv', HEADER + ROW), ('payments.csv', HEADER + GOOD_ROW)])
tar_file('drop-absolute-path.tar.gz', [regular('/tmp/payments.csv', HEADER + ROW)])
tar_file('drop-symlink.tar.gz', [link('payments.csv', '/etc/passwd', tarfile.SYMTYPE)])
tar_file('drop-hardlink.tar', [regular('payments-a.csv', HEADER + ROW), link('payments-b.csv', 'payments-a.csv', tarfile.LNKTYPE)], compress=False)
tar_file('drop-device.tar.gz', [link('payments.csv', '', tarfile.CHRTYPE)])
tar_file('drop-truncated.tar.gz', [regular('payments.csv', HEADER + ROW * 400)])
with open(os.path.join(HERE, 'drop-truncated.tar.gz'), 'r+b') as f:
    f.truncate(200)
tar_file('drop-empty.tar.gz', [])
write('drop-not-a-zip.zip', b'this is plain text, not a zip archive\n')
write('payments-not-gzip.csv.gz', HEADER + ROW)

# Nothing takes these
write('notes.txt', b'a stray note\n')
write('report.xlsx', b'PK\x03\x04' + bytes(60))
