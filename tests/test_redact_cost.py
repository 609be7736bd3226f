"""What masking costs a render: a rule's patterns compile only for text that may hold its secret."""

from __future__ import annotations

import subprocess
import sys

from tui.core.redact import Redactor

PROBE = """
from tui.core.redact import Redactor
from tui.core.redact._context import _KV
text = "checkout-api returned 500 for app=web (pool exhausted); see the application log"
Redactor().redact(text, "incident_summary")
print([rx._pattern.split("\\n")[0] for _, rx in _KV if rx._rx is not None])
"""


def test_a_text_that_names_an_api_but_holds_no_key_compiles_no_key_pattern() -> None:
    # Fresh interpreter: the patterns are compiled once per process.
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    compiled = result.stdout.strip()
    assert "api[_.-]?key" not in compiled and "app(?:lication)?[_.-]?key" not in compiled, compiled
    assert "token" not in compiled  # nor any other word the text does not hold


def test_api_and_app_keys_are_still_masked() -> None:
    redactor = Redactor()
    text = (
        "DD_API_KEY=0123456789abcdef0123\n"
        "DD-APPLICATION-KEY: fedcba9876543210fedc\n"
        '{"apiKey": "AbCdEfGh12345678"}\n'
        "private_key=zzzzyyyyxxxxwwww\n"
    )
    masked = redactor.redact(text, "config")
    for secret in ("0123456789abcdef0123", "fedcba9876543210fedc", "AbCdEfGh12345678", "zzzzyyyy"):
        assert secret not in masked, masked
    assert {f.kind for f in redactor.findings} == {"api-key", "private-key"}
