"""Cut a few characters out of a large font with HarfBuzz's subsetter (libharfbuzz-subset).

The Chinese page stamp needs some twenty glyphs of WenQuanYi Zen Hei, a 16 MB collection of
45,000 glyphs. fontTools took about 0.5 s and 30 MB to cut them out (it parses the tables it
prunes); HarfBuzz maps the file and copies out only what it keeps, in milliseconds and with next to
no memory. WeasyPrint already needs the same library to subset the fonts of every PDF it writes,
so nothing new is installed. `subset` returns None when the library or the font cannot be used,
and the caller falls back to fontTools.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_blob (hb_face_t *face);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
hb_set_t *hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
NO_HINTING, NOTDEF_OUTLINE = 0x1, 0x40      # hb_subset_flags_t
SETS_DROP_TABLE_TAG = 3                      # hb_subset_sets_t
# Layout and bitmap tables: a stamp shapes nothing and draws outlines (as fontTools was told).
DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF",
               b"LTSH", b"PCLT", b"SVG ")


@lru_cache(maxsize=1)
def _libraries():
    """(ffi, harfbuzz, harfbuzz-subset), or None where they cannot be loaded."""
    try:
        from cffi import FFI

        ffi = FFI()
        ffi.cdef(_CDEF)
        for base, subset in (("libharfbuzz.so.0", "libharfbuzz-subset.so.0"),
                             ("harfbuzz", "harfbuzz-subset")):
            try:
                return ffi, ffi.dlopen(base), ffi.dlopen(subset)
            except OSError:
                continue
    except Exception:  # no cffi, a library without these functions
        return None
    return None


def _tag(name: bytes) -> int:
    return int.from_bytes(name, "big")


def subset(font_path: Path, characters: set[str], index: int = 0) -> bytes | None:
    """A TrueType font holding only `characters` (and .notdef), from face `index` of
    `font_path`; None when HarfBuzz cannot do it."""
    libraries = _libraries()
    if libraries is None:
        return None
    ffi, hb, hb_subset = libraries
    blob = hb.hb_blob_create_from_file_or_fail(str(font_path).encode())
    if blob == ffi.NULL:
        return None
    face = hb.hb_face_create(blob, index)
    subset_input = hb_subset.hb_subset_input_create_or_fail()
    made = ffi.NULL
    try:
        if subset_input == ffi.NULL:
            return None
        unicodes = hb_subset.hb_subset_input_unicode_set(subset_input)
        for ch in characters:
            hb.hb_set_add(unicodes, ord(ch))
        drop = hb_subset.hb_subset_input_set(subset_input, SETS_DROP_TABLE_TAG)
        for name in DROP_TABLES:
            hb.hb_set_add(drop, _tag(name))
        hb_subset.hb_subset_input_set_flags(subset_input, NO_HINTING | NOTDEF_OUTLINE)
        made = hb_subset.hb_subset_or_fail(face, subset_input)
        if made == ffi.NULL:
            return None
        out = hb.hb_face_reference_blob(made)
        try:
            length = ffi.new("unsigned int *")
            data = hb.hb_blob_get_data(out, length)
            return None if data == ffi.NULL or not length[0] else ffi.unpack(data, length[0])
        finally:
            hb.hb_blob_destroy(out)
    finally:
        if made != ffi.NULL:
            hb.hb_face_destroy(made)
        if subset_input != ffi.NULL:
            hb_subset.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
