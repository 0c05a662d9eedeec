from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nianbao.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()


def test_cli_ingest_export_indicators_agency(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    res = runner.invoke(app, ["synth", "21", "-o", str(tmp_path / "syn"), "--error-share", "0"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app, ["ingest", str(tmp_path / "syn"), str(FIXTURES / "000_43e3c9ba6b70e239.txt"), "--db", db, "--workers", "1"]
    )
    assert res.exit_code == 0, res.output
    assert "新增 22 份报告" in res.output
    res = runner.invoke(app, ["ingest", str(tmp_path / "syn"), "--db", db, "--workers", "1"])
    assert "新增 0 份报告" in res.output
    out = tmp_path / "w.csv"
    res = runner.invoke(app, ["export", "--db", db, "--to", "csv", "--form", "wide", "-o", str(out)])
    assert res.exit_code == 0 and out.read_text(encoding="utf-8-sig").count("\n") == 23
    res = runner.invoke(app, ["indicators", "--db", db, "--year", "2023", "--agencies", "--min-cases", "0", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["indicator"] == "disclosure_rate" and data["ranked"]
    res = runner.invoke(app, ["agency", "set-region", "中卫市审批服务管理局", "宁夏/中卫市/沙坡头区", "--db", db])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["rollup", "--db", db, "--region", "北京市/东城区", "--year", "2021"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["own_report_id"] is not None
    res = runner.invoke(app, ["rules"])
    assert "history.carry_over" in res.output
