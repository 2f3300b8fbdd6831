"""Batch screening: both input formats, bad records, --strict, exit codes, progress, output files,
and the same verdicts as `check` and `screen()` for the same patients."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from massage_screen import batch, screen
from massage_screen.cli import app
from massage_screen.model import RuleBase, Screening

from .conftest import MINIMAL

runner = CliRunner()

PATIENTS: list[dict[str, Any]] = [
    {"id": "healthy", "conditions": [], "types": ["classical"], "regions": ["lower back"]},
    {
        "id": "bp",
        "conditions": ["high blood pressure"],
        "types": ["classical"],
        "regions": ["neck"],
    },
    {
        "id": "wound",
        "conditions": ["skin wound@lumbar", "osteochondrosis in remission"],
        "types": ["classical", "cupping"],
        "regions": ["lower back", "neck"],
        "setting": "home",
    },
    {"id": 7, "conditions": ["pregnancy"], "types": [], "regions": ["neck"], "setting": "clinic"},
    {"id": "everything", "conditions": ["fever"]},
    {"id": "moles", "conditions": ["moles@lower back"], "types": ["vacuum"], "setting": None},
    {"id": "twice", "conditions": ["fever", "Fever", "fever@neck", "moles@neck", "moles"]},
]


def jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def csv_text(records: list[dict[str, Any]]) -> str:
    lines = ["id,conditions,types,regions,setting"]
    for r in records:
        cells = [
            str(r["id"]),
            ";".join(r.get("conditions", [])),
            ";".join(r.get("types", [])),
            ";".join(r.get("regions", [])),
            r.get("setting") or "",
        ]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(lines) + "\n"


def run(*args: str, stdin: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["batch", *args], input=stdin)


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def rule_id(reason: Any) -> str:
    return str(getattr(reason.rule, "id", reason.rule))


def entry_id(value: Any) -> str:
    return str(getattr(value, "id", value))


def expected_line(record: dict[str, Any], screening: Screening) -> dict[str, Any]:
    """What batch must say about a screening, derived from the evaluator's own result."""
    cells = {}
    for cell in screening.results:
        cells[f"{entry_id(cell.type)}/{entry_id(cell.region)}"] = {
            "verdict": cell.verdict.value,
            "rules": list(dict.fromkeys(rule_id(r) for r in cell.reasons)),
        }
    conditions = [
        c.id + (f"@{entry_id(c.site)}" if c.site and c.site_limits else "")
        for c in screening.conditions
    ]
    return {
        "id": record["id"],
        "overall": screening.overall.value,
        "conditions": conditions,
        "setting": screening.patient.setting,
        "cells": cells,
        "conflicts": [c.id for c in screening.conflicts],
    }


class TestFormats:
    def test_json_lines_give_one_line_per_patient(self, tmp_path: Path) -> None:
        source = tmp_path / "patients.jsonl"
        source.write_text(jsonl(PATIENTS), encoding="utf-8")
        result = run(str(source))
        assert result.exit_code == 20, result.stderr
        out = lines(result.stdout)
        assert [o["id"] for o in out] == [p["id"] for p in PATIENTS]
        assert out[0]["overall"] == "allowed" and out[1]["overall"] == "excluded"
        assert out[1]["cells"] == {
            "classical/cervical": {
                "verdict": "excluded",
                "rules": ["hypertension-excludes-massage", "neck-massage-with-special-care"],
            }
        }

    def test_csv_gives_the_same_lines_as_json_lines(self, tmp_path: Path) -> None:
        (tmp_path / "p.jsonl").write_text(jsonl(PATIENTS), encoding="utf-8")
        (tmp_path / "p.csv").write_text(csv_text(PATIENTS), encoding="utf-8")
        from_jsonl = run(str(tmp_path / "p.jsonl"))
        from_csv = run(str(tmp_path / "p.csv"))
        expected = lines(from_jsonl.stdout)
        for line in expected:
            line["id"] = str(line["id"])  # CSV ids are text
        assert lines(from_csv.stdout) == expected
        assert from_csv.exit_code == from_jsonl.exit_code == 20

    def test_csv_may_leave_out_optional_columns_and_carry_a_bom(self, tmp_path: Path) -> None:
        source = tmp_path / "p.csv"
        source.write_bytes(
            "\ufeffconditions,ID\r\nfever;high blood pressure,p1\r\n,p2\r\n".encode()
        )
        result = run(str(source), "--quiet")
        out = lines(result.stdout)
        assert [(o["id"], o["conditions"]) for o in out] == [
            ("p1", ["fever", "arterial-hypertension"]),
            ("p2", []),
        ]
        assert len(out[1]["cells"]) == 52

    def test_the_format_option_overrides_the_extension(self, tmp_path: Path) -> None:
        source = tmp_path / "patients.txt"
        source.write_text(csv_text(PATIENTS[:2]), encoding="utf-8")
        assert run(str(source)).exit_code == 2
        assert "use --input-format jsonl or csv" in run(str(source)).stderr
        result = run(str(source), "--input-format", "csv")
        assert [o["id"] for o in lines(result.stdout)] == ["healthy", "bp"]

    def test_stdin_is_json_lines_by_default(self) -> None:
        result = run("-", stdin=jsonl(PATIENTS[:2]))
        assert [o["overall"] for o in lines(result.stdout)] == ["allowed", "excluded"]
        result = run("-", "--input-format", "csv", stdin=csv_text(PATIENTS[:2]))
        assert [o["overall"] for o in lines(result.stdout)] == ["allowed", "excluded"]

    def test_detail_adds_support_notes_and_each_rule_once(self) -> None:
        record = {"id": "bp", "conditions": ["high blood pressure"], "regions": ["neck"]}
        (line,) = lines(run("-", "--detail", stdin=jsonl([record])).stdout)
        cell = line["cells"]["classical/cervical"]
        assert set(cell) == {"verdict", "rules", "support", "notes"}
        fired = {
            r for c in line["cells"].values() for k in ("rules", "support", "notes") for r in c[k]
        }
        assert set(line["rules"]) == fired
        rule = line["rules"]["hypertension-excludes-massage"]
        assert rule["kind"] == "absolute" and rule["verdict"] == "excluded"
        assert {"source", "line", "quote"} <= set(rule["citations"][0])


class TestBadRecords:
    def test_a_bad_record_names_its_line_and_the_run_goes_on(self) -> None:
        text = (
            jsonl(PATIENTS[:1])
            + "{not json\n"
            + "\n"
            + jsonl([{"id": "x", "conditions": ["hypotensio"]}])
            + jsonl([{"id": "y", "condition": ["fever"]}])
            + "[1, 2]\n"
            + jsonl([{"id": True}])
            + jsonl([{"id": "z", "setting": ""}])
            + jsonl(PATIENTS[1:2])
        )
        result = run("-", stdin=text)
        out = lines(result.stdout)
        errors = [(o["line"], o["id"], o["error"]) for o in out if "error" in o]
        assert errors == [
            (2, None, "not valid JSON: Expecting property name enclosed in double quotes"),
            (
                4,
                "x",
                'unknown condition "hypotensio"; run `massage-screen list conditions` to see '
                "them all",
            ),
            (
                5,
                "y",
                'unknown field "condition"; expected: id, conditions, types, regions, setting',
            ),
            (6, None, "expected a JSON object"),
            (7, None, '"id" must be a string or an integer'),
            (8, "z", '"setting" must not be empty (leave it out or null)'),
        ]
        assert [o["id"] for o in out if "error" not in o] == ["healthy", "bp"]
        assert result.exit_code == 2
        assert "massage-screen: error: -:2: not valid JSON" in result.stderr
        assert result.stderr.endswith(
            "massage-screen: 8 records: 1 allowed, 0 cautioned, 1 excluded, 6 errors\n"
        )

    def test_strict_stops_at_the_first_bad_record(self) -> None:
        text = jsonl(PATIENTS[:1]) + "oops\n" + jsonl(PATIENTS[1:])
        result = run("-", "--strict", stdin=text)
        out = lines(result.stdout)
        assert [o.get("id") for o in out] == ["healthy", None]
        assert out[1]["line"] == 2
        assert result.exit_code == 2

    def test_csv_errors_name_the_line(self, tmp_path: Path) -> None:
        source = tmp_path / "p.csv"
        source.write_text(
            'id,conditions\np1,fever\np2,"unclosed\np3,nonsense-condition\n', encoding="utf-8"
        )
        out = lines(run(str(source)).stdout)
        assert out[0]["id"] == "p1"
        assert any(o.get("line") == 3 and "error" in o for o in out)

    def test_a_csv_header_it_cannot_use_is_one_error(self, tmp_path: Path) -> None:
        source = tmp_path / "p.csv"
        source.write_text("id,diagnosis\np1,fever\n", encoding="utf-8")
        result = run(str(source))
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f'massage-screen: error: {source}:1: unknown CSV column "diagnosis"; '
            "expected: id, conditions, types, regions, setting\n"
        )

    def test_an_overlong_line_is_skipped_in_bounded_memory(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(batch, "MAX_LINE_BYTES", 96)
        text = jsonl([{"id": "long", "conditions": ["fever"] * 40}]) + jsonl(PATIENTS[:1])
        records = list(batch.read_jsonl(io.BytesIO(text.encode())))
        assert records[0] == batch.BadRecord(1, "line is longer than 96 bytes")
        assert isinstance(records[1], batch.Patient) and records[1].line == 2

    def test_a_line_that_is_not_utf8_is_a_bad_record(self) -> None:
        text = b'{"id": "\xff"}\n' + jsonl(PATIENTS[:1]).encode()
        records = list(batch.read_jsonl(io.BytesIO(text)))
        assert records[0] == batch.BadRecord(1, "line is not UTF-8")
        assert isinstance(records[1], batch.Patient)

    def test_a_device_is_refused_as_input(self, tmp_path: Path) -> None:
        device = tmp_path / "zero"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))
        result = run(str(device), "--input-format", "jsonl")
        assert result.exit_code == 2
        assert result.stderr == (
            f"massage-screen: error: cannot read {device}: not a regular file or a pipe\n"
        )

    def test_a_missing_file_is_bad_input(self, tmp_path: Path) -> None:
        result = run(str(tmp_path / "absent.jsonl"))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"massage-screen: error: cannot read {tmp_path}")


class TestExitCodes:
    @pytest.mark.parametrize(
        "records, code",
        [
            ([PATIENTS[0]], 0),
            (
                [
                    PATIENTS[0],
                    {
                        "id": "p",
                        "conditions": ["pregnancy"],
                        "regions": ["neck"],
                        "types": ["classical"],
                    },
                ],
                10,
            ),
            (PATIENTS, 20),
            ([], 0),
        ],
    )
    def test_the_worst_verdict(self, records: list[dict[str, Any]], code: int) -> None:
        assert run("-", stdin=jsonl(records)).exit_code == code

    def test_any_bad_record_is_2(self) -> None:
        assert run("-", stdin=jsonl(PATIENTS[:1]) + "x\n").exit_code == 2


class TestProgressAndOutput:
    def test_no_progress_when_stderr_is_not_a_terminal(self, tmp_path: Path) -> None:
        source = tmp_path / "p.jsonl"
        source.write_text(jsonl(PATIENTS), encoding="utf-8")
        result = run(str(source))
        assert result.stderr == (
            "massage-screen: 7 records: 1 allowed, 0 cautioned, 6 excluded, 0 errors\n"
        )

    def test_quiet_prints_nothing_on_stderr(self, tmp_path: Path) -> None:
        source = tmp_path / "p.jsonl"
        source.write_text(jsonl(PATIENTS), encoding="utf-8")
        assert run(str(source), "-q").stderr == ""

    @pytest.mark.parametrize(
        "name, quiet, terminal, wanted",
        [
            ("p.jsonl", False, True, True),
            ("-", False, True, False),
            ("p.jsonl", True, True, False),
            ("p.jsonl", False, False, False),
        ],
    )
    def test_progress_only_for_a_file_on_a_terminal(
        self, name: str, quiet: bool, terminal: bool, wanted: bool
    ) -> None:
        class Stream(io.StringIO):
            def isatty(self) -> bool:
                return terminal

        assert batch.wants_progress(name, quiet=quiet, stderr=Stream()) is wanted

    def test_the_progress_bar_follows_the_file(self, tmp_path: Path) -> None:
        source = tmp_path / "p.jsonl"
        source.write_text(jsonl(PATIENTS * 1000), encoding="utf-8")
        shown = io.StringIO()
        console = Console(file=shown, force_terminal=True, width=80)
        written: list[str] = []
        screener = batch.Screener(screen_rule_base())
        with source.open("rb") as stream:
            summary = batch.run_with_progress(
                batch.read_jsonl(stream), written.append, screener, stream, console=console
            )
        assert summary.screened == len(written) == 7000
        assert "screening" in shown.getvalue() and "7000 records" in shown.getvalue()

    def test_output_file_is_written_whole(self, tmp_path: Path) -> None:
        target = tmp_path / "out.jsonl"
        result = run("-", "-o", str(target), stdin=jsonl(PATIENTS))
        assert result.stdout == ""
        assert [o["id"] for o in lines(target.read_text(encoding="utf-8"))] == [
            p["id"] for p in PATIENTS
        ]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]

    def test_an_output_file_keeps_its_mode_and_a_symlink_is_written_through(
        self, tmp_path: Path
    ) -> None:
        real = tmp_path / "real.jsonl"
        real.write_text("old\n", encoding="utf-8")
        real.chmod(0o640)
        link = tmp_path / "link.jsonl"
        link.symlink_to(real)
        run("-", "-o", str(link), stdin=jsonl(PATIENTS[:1]))
        assert link.is_symlink()
        assert stat.S_IMODE(real.stat().st_mode) == 0o640
        assert lines(real.read_text(encoding="utf-8"))[0]["id"] == "healthy"

    def test_a_bad_header_leaves_no_output_file(self, tmp_path: Path) -> None:
        source = tmp_path / "p.csv"
        source.write_text("name\nx\n", encoding="utf-8")
        target = tmp_path / "out.jsonl"
        assert run(str(source), "-o", str(target)).exit_code == 2
        assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]

    def test_an_unwritable_output_folder_is_4(self, tmp_path: Path) -> None:
        result = run("-", "-o", str(tmp_path / "missing" / "out.jsonl"), stdin=jsonl(PATIENTS))
        assert result.exit_code == 4
        assert result.stderr.startswith("massage-screen: error: cannot write ")


def screen_rule_base() -> RuleBase:
    from massage_screen.compiled import load_validated

    return load_validated()


class TestSameAsCheckAndScreen:
    def test_batch_check_and_screen_agree(self) -> None:
        out = lines(run("-", stdin=jsonl(PATIENTS)).stdout)
        for record, line in zip(PATIENTS, out, strict=True):
            args = [
                a
                for flag, key in (("-c", "conditions"), ("-t", "types"), ("-r", "regions"))
                for value in record.get(key, [])
                for a in (flag, value)
            ]
            if record.get("setting"):
                args += ["--setting", record["setting"]]
            checked = runner.invoke(app, ["check", *args, "-f", "json"])
            screening = screen(
                conditions=record.get("conditions", []),
                types=record.get("types", []),
                regions=record.get("regions", []),
                setting=record.get("setting"),
            )
            assert line == expected_line(record, screening)
            assert (
                checked.exit_code
                == {"allowed": 0, "cautioned": 10, "excluded": 20}[line["overall"]]
            )
            assert json.loads(checked.stdout)["overall"] == line["overall"]

    def test_a_fixture_rule_base_works_too(self) -> None:
        result = run(
            "-", "--rules", str(MINIMAL), stdin=jsonl([{"id": 1, "conditions": ["fever"]}])
        )
        (line,) = lines(result.stdout)
        assert line["overall"] == "excluded" and len(line["cells"]) == 4


def test_the_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MEMO_SIZE", 2)
    screener = batch.Screener(screen_rule_base())
    for number, name in enumerate(["fever", "pregnancy", "moles", "fever", "obesity"]):
        line, _ = screener.screen(batch.Patient(number, str(number), (name,)))
        assert json.loads(line)["id"] == str(number)
    assert len(screener._memo) == 2


@settings(max_examples=300, deadline=None)
@given(data=st.data(), detail=st.booleans())
def test_batch_lines_give_the_evaluators_verdicts(data: st.DataObject, detail: bool) -> None:
    rule_base = screen_rule_base()
    regions = [r.id for r in rule_base.regions]
    conditions = data.draw(
        st.lists(
            st.sampled_from(rule_base.conditions).flatmap(
                lambda c: st.sampled_from([c.id, c.label, *(f"{c.id}@{r}" for r in regions)])
            ),
            max_size=4,
        )
    )
    record: dict[str, Any] = {
        "id": "p",
        "conditions": conditions,
        "types": data.draw(
            st.lists(st.sampled_from([t.id for t in rule_base.massage_types]), max_size=3)
        ),
        "regions": data.draw(st.lists(st.sampled_from(regions), max_size=3)),
        "setting": data.draw(st.sampled_from([None, *[s.id for s in rule_base.settings]])),
    }
    screener = batch.Screener(rule_base, detail=detail)
    for _ in range(2):  # computed, then from the caches
        line, _verdict = screener.screen(
            batch.Patient(
                1,
                "p",
                tuple(record["conditions"]),
                tuple(record["types"]),
                tuple(record["regions"]),
                record["setting"],
            )
        )
        got = json.loads(line)
        screening = screen(**{k: v for k, v in record.items() if k != "id"})
        expected = expected_line(record, screening)
        if detail:
            for cell in screening.results:
                entry = expected["cells"][f"{entry_id(cell.type)}/{entry_id(cell.region)}"]
                entry["support"] = list(dict.fromkeys(rule_id(r) for r in cell.support))
                entry["notes"] = list(dict.fromkeys(rule_id(r) for r in cell.notes))
            listed = {
                r
                for c in expected["cells"].values()
                for k in ("rules", "support", "notes")
                for r in c[k]
            }
            assert set(got.pop("rules")) == listed
        assert got == expected


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The output file is complete or absent: SIGTERM removes the temporary file (exit 143)."""
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "in.jsonl"
    os.mkfifo(source)
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "massage_screen", "batch", str(source), "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with source.open("w", encoding="utf-8") as feed:
        feed.write(jsonl(PATIENTS))
        feed.flush()
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(".ms-*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob(".ms-*.tmp")), "the batch never started writing"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert stderr.endswith("massage-screen: terminated by SIGTERM\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
