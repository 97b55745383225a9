#!/usr/bin/env python3
"""Decrypts a GoForge encrypted backup archive without GoForge (format: docs/decisions/backup-storage.md).

Usage: decrypt-backup.py KEY_FILE [ARCHIVE [OUTPUT]]   (standard input and output when not given)
KEY_FILE holds the destination's archive key: 32 raw bytes, or 64 hex digits, or its base64 (44 characters).
Streams chunk by chunk; exits non-zero, having written only authenticated chunks, when the archive was altered,
truncated or encrypted under another key. Needs Python 3 and the 'cryptography' package (Debian: python3-cryptography).
"""
import base64
import binascii
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"GFBACKUP"
HEADER_BYTES = 20
TAG_BYTES = 16
MAX_CHUNK_BYTES = 16 * 1024 * 1024


def read_key(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) == 32:
        return raw
    text = raw.strip()
    for decode in (binascii.unhexlify, base64.b64decode):
        try:
            key = decode(text)
        except (binascii.Error, ValueError):
            continue
        if len(key) == 32:
            return key
    sys.exit("the key must be 32 bytes (raw, hex or base64)")


def read_full(stream, size):
    data = bytearray()
    while len(data) < size:
        block = stream.read(size - len(data))
        if not block:
            break
        data += block
    return bytes(data)


def main():
    if not 2 <= len(sys.argv) <= 4:
        sys.exit(__doc__)
    aes = AESGCM(read_key(sys.argv[1]))
    src = open(sys.argv[2], "rb") if len(sys.argv) > 2 else sys.stdin.buffer
    out = open(sys.argv[3], "wb") if len(sys.argv) > 3 else sys.stdout.buffer
    try:
        decrypt(aes, src, out)
    finally:
        out.flush()


def decrypt(aes, src, out):
    header = read_full(src, HEADER_BYTES)
    if len(header) != HEADER_BYTES or header[:8] != MAGIC:
        sys.exit("not a GoForge encrypted archive")
    if header[8] != 1:
        sys.exit("unsupported format version %d" % header[8])
    (chunk_bytes,) = struct.unpack(">I", header[9:13])
    if not 0 < chunk_bytes <= MAX_CHUNK_BYTES:
        sys.exit("invalid chunk size")
    prefix = header[13:20]
    index = 0
    while True:
        record = read_full(src, chunk_bytes + TAG_BYTES)
        if len(record) < TAG_BYTES:
            sys.exit("truncated: the archive ends before its final chunk")
        final = len(record) < chunk_bytes + TAG_BYTES
        counter = struct.pack(">IB", index, 1 if final else 0)
        try:
            # cryptography's AESGCM takes ciphertext || tag, as the record stores them.
            plain = aes.decrypt(prefix + counter, record, header + counter)
        except InvalidTag:
            sys.exit("chunk %d is not authentic: wrong key, or the archive was altered" % index)
        out.write(plain)
        if final:
            return
        index += 1


if __name__ == "__main__":
    main()
