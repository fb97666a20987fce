"""One rule for an e-mail address, Django's validator: what an import accepts, a form does."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from encaisse.core.emails import is_email_address
from encaisse.imports.values import ValueProblem, parse_email


@pytest.mark.parametrize(
    "address",
    ["compta@beton-express.fr", "Jean.Dupont+relances@exemple.com", "a@société.fr"],
)
def test_an_address_django_accepts_is_read(address):
    assert is_email_address(address)
    assert forms.EmailField(max_length=254).clean(address) == address
    assert parse_email(f"  {address} ") == address.lower()


@pytest.mark.parametrize(
    "address",
    [
        "compta@beton-express",  # no domain suffix
        "jean..dupont@exemple.com",  # two dots in a row
        "jean dupont@exemple.com",
        "compta@@exemple.com",
        "élodie@exemple.com",  # Django's rule: an ASCII local part
        "a" * 250 + "@x.fr",  # longer than an EmailField holds
        "",
    ],
)
def test_anything_else_is_refused_as_a_form_would(address):
    assert not is_email_address(address)
    with pytest.raises(ValidationError):
        forms.EmailField(max_length=254).clean(address)
    with pytest.raises(ValueProblem, match="not an e-mail address"):
        parse_email(address)
