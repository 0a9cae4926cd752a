#!/usr/bin/env python3
# Writes the elf_loader seed corpus: small valid images (one byte of shift
# first, see fuzz_elf_loader.c), one with its program headers at an odd offset.
import struct, sys, os
out = sys.argv[1]
os.makedirs(out, exist_ok=True)

def image(phoff_pad=0, nph=2, memsz=4096, entry=0x10000):
    ehsize, phsize = 64, 56
    phoff = ehsize + phoff_pad
    text_off = phoff + nph * phsize
    text = b'\x90' * 64
    ident = b'\x7fELF' + bytes([2, 1, 1]) + bytes(9)
    eh = ident + struct.pack('<HHIQQQIHHHHHH', 2, 62, 1, entry, phoff, 0, 0, ehsize, phsize, nph, 64, 0, 0)
    phs = struct.pack('<IIQQQQQQ', 1, 5, text_off, 0x10000, 0x10000, len(text), memsz, 4096)
    if nph > 1:
        phs += struct.pack('<IIQQQQQQ', 4, 4, 0, 0, 0, 0, 0, 4)
    return eh + bytes(phoff_pad) + phs + text

seeds = {
    'valid': b'\x00' + image(),
    'valid-shifted-3': b'\x03' + image(),
    'two-loads': b'\x00' + image(nph=1, memsz=8192),
    'phoff-odd': b'\x00' + image(phoff_pad=3),   # program headers at offset 67
}
for name, data in seeds.items():
    open(os.path.join(out, name), 'wb').write(data)
