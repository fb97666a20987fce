"""Finance gives the company its logo on the Company page; it heads the letters. Only a real
PNG or JPEG of a printable size is taken."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from encaisse.core.errors import BadInput
from encaisse.ledger.services import set_legal_entity_logo


def picture(kind: str = "PNG", size: tuple[int, int] = (120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 82, 87)).save(buffer, format=kind)
    return buffer.getvalue()


def test_finance_uploads_a_logo_and_sees_it(client, finance_fanny, entity, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(finance_fanny)
    upload = SimpleUploadedFile("logo.png", picture(), content_type="image/png")
    response = client.post(f"/customers/company/{entity.pk}/logo/", {"logo": upload})
    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.logo.name.endswith(".png")
    image = client.get(f"/customers/company/{entity.pk}/logo.img")
    assert image["Content-Type"] == "image/png"
    page = client.get(f"/customers/company/{entity.pk}/").content.decode()
    assert f"/customers/company/{entity.pk}/logo.img" in page
    client.post(f"/customers/company/{entity.pk}/logo/", {"remove": "1"})
    entity.refresh_from_db()
    assert not entity.logo


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a PNG"),
        (b"GIF89a" + b"\x00" * 20, "not a PNG"),
        (picture("GIF"), "not a PNG"),
        (picture(size=(5000, 10)), "4000 pixels"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 10), "1 MiB"),
    ],
)
def test_anything_but_a_printable_png_or_jpeg_is_refused(
    entity, settings, tmp_path, content, reason
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(BadInput, match=reason):
        set_legal_entity_logo(entity=entity, content=content)
    entity.refresh_from_db()
    assert not entity.logo


def test_a_rep_cannot_change_the_logo(client, rep_remi, entity):
    client.force_login(rep_remi)
    upload = SimpleUploadedFile("logo.png", picture(), content_type="image/png")
    assert client.post(f"/customers/company/{entity.pk}/logo/", {"logo": upload}).status_code == 404


def test_a_png_whose_picture_does_not_decode_is_refused(entity, settings, tmp_path):
    import struct
    import zlib

    settings.MEDIA_ROOT = tmp_path
    broken = b"not deflate data at all"
    chunk = b"IDAT" + broken
    png = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
        + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)))
        + struct.pack(">I", len(broken))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", 0)
        + b"IEND"
        + struct.pack(">I", zlib.crc32(b"IEND"))
    )
    with pytest.raises(BadInput, match="not a PNG"):
        set_legal_entity_logo(entity=entity, content=png)
