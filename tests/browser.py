"""Open an offline HTML map in headless Chromium and measure what a user sees (legend, scale bar, layers).

`probe_map` copies the page beside itself with a probe script, lets Chromium run it (`--dump-dom`) and
returns the probe's findings; tests skip when Chromium is not installed (`apt-get install -y chromium`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

PROBE = """
<script>
window.addEventListener('load', function () { setTimeout(function () {
  function rect(e) { if (!e) { return null; } var b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
  function shown() {
    return Array.from(document.querySelectorAll('.geo-tool-legend [data-layer]'))
      .filter(function (d) { return d.offsetParent !== null; })
      .map(function (d) { return d.textContent.slice(0, 80); });
  }
  var radios = Array.from(document.querySelectorAll('.leaflet-control-layers-base input[type=radio]'));
  var out = {
    radios: radios.length,
    checked: radios.filter(function (r) { return r.checked; }).length,
    legends: shown(),
    legend: rect(document.querySelector('.geo-tool-legend')),
    scale: rect(document.querySelector('.leaflet-control-scale')),
    scale_lines: Array.from(document.querySelectorAll('.leaflet-control-scale-line')).map(function (e) { return e.textContent; }),
    overlay_boxes: Array.from(document.querySelectorAll('.leaflet-control-layers-overlays input[type=checkbox]')).length,
  };
  if (radios.length > 1) { radios[radios.length - 1].click(); }
  out.checked_after_switch = radios.filter(function (r) { return r.checked; }).length;
  out.legends_after_switch = shown();
  document.body.setAttribute('data-probe', JSON.stringify(out));
}, 300); });
</script>
"""


def probe_map(page: Path, width: int = 1366, height: int = 768) -> dict:
    """What Chromium shows of `page` at the given window size (see PROBE for the keys)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed")
    probe = page.with_name(f"probe_{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                              "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                              f"--window-size={width},{height}", "--dump-dom", probe.resolve().as_uri()],
                             capture_output=True, text=True, timeout=120)
    probe.unlink()
    found = re.search(r'data-probe="([^"]*)"', run.stdout)
    assert found, f"the probe did not run: {run.stderr[-500:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


def overlaps(a: list[float] | None, b: list[float] | None) -> bool:
    """Whether two [left, top, right, bottom] rectangles overlap (touching edges do not count)."""
    if a is None or b is None:
        return False
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
