"""What `make run` and `make test` need before they build the web app, and what the build is fed."""

import subprocess

import pytest

from local import web_build


def _node_says(monkeypatch, version: str | None) -> None:
    monkeypatch.setattr(web_build.shutil, "which", lambda name: None if version is None else f"/usr/bin/{name}")
    monkeypatch.setattr(web_build.subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=f"{version}\n", stderr=""))


@pytest.mark.parametrize("version", ["v18.19.0", "v20.18.3", None])
def test_a_node_too_old_or_missing_is_named_before_npm_runs(monkeypatch, version):
    _node_says(monkeypatch, version)
    with pytest.raises(web_build.WebBuildError, match="Node.js 20.19"):
        web_build._check_node()


@pytest.mark.parametrize("version", ["v20.19.0", "v22.3.1"])
def test_node_20_19_or_newer_is_enough(monkeypatch, version):
    _node_says(monkeypatch, version)
    web_build._check_node()


def test_the_region_module_holds_every_district_with_its_names_and_the_datas_attribution():
    module = web_build.districts_module()
    assert "CC BY 4.0" in module and "indrayoga/data-wilayah-indonesia" in module
    assert '"327606":"Beji"' in module and '"3276":"Kota Depok"' in module
    assert '"1110":' in module  # 11.10 is a JSON number (11.1) in the source: read from the districts
