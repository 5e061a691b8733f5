"""PNG files from pixel arrays, for pictures a figure carries as images (``data:`` URIs), with no imaging library.

A PNG is the 8-byte signature and three chunks: IHDR (width, height, 8 bits a channel, colour type 2 = RGB),
IDAT (the zlib-compressed rows, each led by a filter byte, 0 = none) and IEND; each chunk is its length, its
tag, its data and the CRC-32 of tag and data (the PNG specification, ISO/IEC 15948).
"""

import base64
import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_rgb(rgb: np.ndarray) -> bytes:
    """The PNG file of ``rgb``, a (height, width, 3) uint8 array, row 0 at the top."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected a (height, width, 3) uint8 array, got {rgb.dtype} {rgb.shape}")
    h, w, _ = rgb.shape
    rows = np.zeros((h, 1 + 3 * w), dtype=np.uint8)  # column 0: filter type 0 for every row
    rows[:, 1:] = rgb.reshape(h, 3 * w)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    pixels = zlib.compress(rows.tobytes(), 6)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def data_uri(png: bytes) -> str:
    """ "data:image/png;base64,…" for a PNG file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
