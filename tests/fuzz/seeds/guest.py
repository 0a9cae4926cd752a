#!/usr/bin/env python3
# Writes the seed corpora of the guest-facing fuzz targets (formats in each
# tests/fuzz/fuzz_NAME.c): a few well-formed inputs each, plus the edge
# cases a front end could produce. Usage: guest.py tests/fuzz/corpus
import os, struct, sys

root = sys.argv[1]

def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, name), 'wb').write(data)

u32 = lambda v: struct.pack('<I', v & 0xffffffff)
u64 = lambda v: struct.pack('<Q', v & 0xffffffffffffffff)

# ---- block: struct blk_request {u64 id; u32 op; u32 len; u64 offset; u64 buffer}
READ, WRITE, FLUSH = 1, 2, 3
def blk(id, op, length, offset, buffer):
    return struct.pack('<QIIQQ', id, op, length, offset, buffer)

# fuzz_blk_ring: RAM 4 MiB, guest-owned from 0x100000, ring at 0x200000 (8 KiB), disk 1 GiB
ring = blk(1, READ, 4096, 0, 0x300000) + blk(2, WRITE, 512, 512, 0x380000) + blk(3, FLUSH, 0, 0, 0)
put('blk_ring', 'three', u32(0) + u32(3) + ring)
put('blk_ring', 'wrap', u32(0xfffffffe) + u32(3) + ring)
put('blk_ring', 'over-ring', u32(0) + u32(1000) + ring)
put('blk_ring', 'bad-op', u32(5) + u32(1) + blk(9, 7, 512, 0, 0x300000))
put('blk_ring', 'low-pages', u32(0) + u32(1) + blk(10, READ, 4096, 0, 0x143000))

# fuzz_blkback: RAM 1 MiB, guest-owned from 0x8000, ring at 0x10000 (4 KiB, 64 slots), disk 64 KiB
ring = (blk(1, WRITE, 4096, 0, 0x20000) + blk(2, READ, 4096, 0, 0x30000) +
        blk(3, FLUSH, 0, 0, 0) + blk(4, READ, 512, 65024, 0x40000))
put('blkback', 'rw', b'\x00' + u32(0) + u32(4) + ring)
put('blkback', 'ro', b'\x01' + u32(0) + u32(4) + ring)
put('blkback', 'rw-sync', b'\x02' + u32(0) + u32(4) + ring)
put('blkback', 'ro-sync', b'\x03' + u32(7) + u32(4) + ring)
put('blkback', 'past-disk', b'\x00' + u32(0) + u32(3) + blk(5, READ, 4096, 65536, 0x20000) +
    blk(6, READ, 512, 0, 0x10000) + blk(7, READ, 512, 0, 0x4000))   # past the disk; over the ring; low pages
put('blkback', 'full-ring', b'\x00' + u32(100) + u32(64) + ring * 16)
put('blkback', 'broken', b'\x00' + u32(0) + u32(65) + ring)

# fuzz_blk_race: as fuzz_blkback, then the rewrites (see the file)
def op(kind, offset, value):
    return struct.pack('<BBHI', kind, 0, offset, value)
ops = op(1, 0, 8) + op(0, 64 + 8, 9) + op(0, 64 + 12, 0xffffffff) + op(2, 0, 0)
put('blk_race', 'rw', b'\x00' + u32(0) + u32(4) + bytes([4]) + ops + ring)
put('blk_race', 'ro', b'\x01' + u32(0) + u32(4) + bytes([4]) + ops + ring)
put('blk_race', 'producer-runs', b'\x00' + u32(0) + u32(2) + bytes([2]) + op(1, 0, 200) + op(2, 0, 0) + ring)

# ---- console: struct cons_request {u32 len; u32 reserved; char data[120]}
def cons(text):
    return struct.pack('<II', len(text), 0) + text.ljust(120, b'\0')
hello = cons(b'hello, world\n') + cons(b'x' * 120) + cons(b'')
put('consback', 'hello', b'\x00' + u32(0) + u32(3) + u32(0) + hello)
put('consback', 'long-len', b'\x00' + u32(0) + u32(1) + u32(1) + struct.pack('<II', 0xffffffff, 0) + b'y' * 120)
put('consback', 'big-ring', b'\x01' + u32(0xfffffff0) + u32(30) + u32(20) + hello * 10)
put('consback', 'broken', b'\x00' + u32(0) + u32(33) + u32(0) + hello)

# ---- hypercalls: 1 byte calling vCPU, 1 byte vCPUs - 1, 8 bytes block GPA, then struct hc_block
# {u32 count; u32 reserved; u64 pad; struct hc_request {u64 nr; u64 arg[6]; i64 ret}[]}
def hc(nr, *args):
    args = list(args) + [0] * (6 - len(args))
    return u64(nr) + b''.join(u64(a) for a in args) + u64(0)
def block(*reqs):
    return u32(len(reqs)) + u32(0) + u64(0) + b''.join(reqs)
def call(vcpu, ncpus, blk, gpa=None):
    return bytes([vcpu, ncpus - 1]) + u64(0x2000 + vcpu * 0x1000 if gpa is None else gpa) + blk
put('hypercall', 'null', call(0, 1, block(hc(0))))
put('hypercall', 'batch', call(1, 2, block(hc(0), hc(3), hc(1, 0x201000, 16), hc(5, 0),
    hc(6, 0, 0x210000, 0x2000), hc(7, 1, 0), hc(4))))
put('hypercall', 'exit', call(0, 1, block(hc(2, 7))))
put('hypercall', 'console-end-of-ram', call(0, 1, block(hc(1, 0x400000 - 16, 16))))
put('hypercall', 'console-low-pages', call(0, 1, block(hc(1, 0x143000, 16))))
put('hypercall', 'console-over-ring', call(0, 1, block(hc(1, 0x300000 - 8, 16))))
put('hypercall', 'unknown', call(0, 1, block(hc(99))))
put('hypercall', 'other-vcpus-block', call(0, 2, block(hc(0)), gpa=0x3000))
put('hypercall', 'count-63', call(0, 1, u32(63) + u32(0) + u64(0) + hc(0) * 63))

# ---- net: struct net_tx_request / net_rx_request {u64 id; u64 buffer; u32 len/size; u32 reserved}
def net(id, buffer, length):
    return struct.pack('<QQII', id, buffer, length, 0)
def netin(tx, rx, frames, txs=0, rxs=0):
    head = u32(txs) + u32(len(tx)) + u32(rxs) + u32(len(rx)) + bytes([len(frames)])
    head += b''.join(struct.pack('<H', f) for f in frames)
    txb = b''.join(tx).ljust(4096, b'\0')
    return head + txb + b''.join(rx)
tx = [net(1, 0x20000, 60), net(2, 0x21000, 1514), net(3, 0x22000, 13), net(4, 0x23000, 1515)]
rx = [net(10, 0x40000, 1514), net(11, 0x41000, 2048), net(12, 0x42000, 100)]
put('netback', 'tx-rx', netin(tx, rx, [60, 1514, 9000]))
put('netback', 'short-frames', netin(tx[:1], rx, [0, 1, 13]))
put('netback', 'oversized', netin([], rx, [65535, 1515, 16384]))
put('netback', 'over-ring', netin([net(5, 0x10000, 64)], [net(13, 0x14000, 1514)], [64], 5, 5))

# ---- doorbell and register decoding: 1 byte set-up, then 12-byte records
# (op, length, u16 device index, u64 offset); formats in fuzz_mmio_decode.c
def rec(op, length, index, offset):
    return bytes([op, length]) + struct.pack('<H', index) + u64(offset)
WRITE_OP, ATTACH, IMAGE, ANY = 1, 2, 4, 16
attach_all = b''.join(rec(ATTACH | IMAGE, 64, d, 0x10000 * d) for d in range(8))
bells = b''.join(rec(WRITE_OP, 7, 0, 8 * d) for d in range(9))           # port d's doorbell
regs = b''.join(rec(WRITE_OP | 4, 3, 0, 0x40 * d + 0x8) for d in range(9))  # device d's register 8
put('mmio_decode', 'attach-then-ring', b'\x0f' + attach_all + bells + regs)
put('mmio_decode', 'before-attach', b'\x0f' + bells + rec(0, 7, 0, 0))
put('mmio_decode', 'odd-addresses', b'\x03' + rec(WRITE_OP, 7, 0, 3) + rec(WRITE_OP | ANY, 7, 0, 0x8000000000) +
    rec(8, 7, 0, 0x100) + rec(ATTACH, 64, 9, 0x1000) + rec(ATTACH | IMAGE, 255, 1, 0xfffff))
