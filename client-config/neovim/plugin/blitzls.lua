-- blitzls commands for Neovim 0.11+:
--   :BlitzEdit        ask for an instruction and let the server edit the function or block
--                     around the cursor, the lines of a :range, or the visual selection (map
--                     it in visual mode with `<Cmd>BlitzEdit<CR>` to keep a charwise selection)
--   :BlitzPseudocode  convert the pseudocode under the cursor (comment block) or the selection
-- and shows blitzls's $/progress through the LspProgress autocmd (set
-- `vim.g.blitzls_progress = false` to silence it).
if vim.g.loaded_blitzls then
  return
end
vim.g.loaded_blitzls = true

local EDIT_COMMAND = "blitzls.edit"
local PSEUDOCODE_KIND = "refactor.rewrite.blitzls.pseudocode"

local function notify(message, level)
  vim.notify("blitzls: " .. message, level or vim.log.levels.INFO)
end

---@param bufnr integer
---@return vim.lsp.Client?
local function blitz_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = "blitzls" })[1]
end

--- An LSP position for a 0-based row and byte column, in the client's encoding.
local function position(bufnr, row, byte_col, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  byte_col = math.max(0, math.min(byte_col, #line))
  return { line = row, character = vim.str_utfindex(line, encoding, byte_col, false) }
end

--- Whole lines first..last (0-based, inclusive).
local function line_range(bufnr, first, last, encoding)
  local last_line = vim.api.nvim_buf_get_lines(bufnr, last, last + 1, false)[1] or ""
  return {
    start = { line = first, character = 0 },
    ["end"] = position(bufnr, last, #last_line, encoding),
  }
end

--- A charwise selection between two {row, col} (1-based row, 0-based byte col) positions,
--- end character included.
local function char_range(bufnr, from, to, encoding)
  if to[1] < from[1] or (to[1] == from[1] and to[2] < from[2]) then
    from, to = to, from
  end
  local end_line = vim.api.nvim_buf_get_lines(bufnr, to[1] - 1, to[1], false)[1] or ""
  local end_byte = #end_line
  if to[2] < #end_line then
    end_byte = to[2] + 1 + vim.str_utf_end(end_line, to[2] + 1)
  end
  return {
    start = position(bufnr, from[1] - 1, from[2], encoding),
    ["end"] = position(bufnr, to[1] - 1, end_byte, encoding),
  }
end

--- The range :BlitzEdit works on, in the client's position encoding.
local function edit_range(opts, bufnr, encoding)
  local mode = vim.api.nvim_get_mode().mode
  if mode == "v" then
    local v = vim.fn.getpos("v")
    local cursor = vim.api.nvim_win_get_cursor(0)
    vim.api.nvim_feedkeys(vim.keycode("<Esc>"), "nx", false)
    return char_range(bufnr, { v[2], v[3] - 1 }, cursor, encoding)
  end
  if mode == "V" or mode == "\22" then
    local first, last = vim.fn.line("v"), vim.fn.line(".")
    vim.api.nvim_feedkeys(vim.keycode("<Esc>"), "nx", false)
    return line_range(bufnr, math.min(first, last) - 1, math.max(first, last) - 1, encoding)
  end
  if opts.range > 0 then
    local from, to = vim.api.nvim_buf_get_mark(bufnr, "<"), vim.api.nvim_buf_get_mark(bufnr, ">")
    if vim.fn.visualmode() == "v" and from[1] == opts.line1 and to[1] == opts.line2 then
      return char_range(bufnr, from, to, encoding) -- :'<,'> after a charwise selection
    end
    return line_range(bufnr, opts.line1 - 1, opts.line2 - 1, encoding)
  end
  -- No range: an empty range at the cursor; the server widens it to the enclosing
  -- function or block, as VS Code's empty selection does.
  local cursor = vim.api.nvim_win_get_cursor(0)
  local at = position(bufnr, cursor[1] - 1, cursor[2], encoding)
  return { start = at, ["end"] = at }
end

local function blitz_edit(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = blitz_client(bufnr)
  if client == nil then
    notify("no blitzls client is attached to this buffer", vim.log.levels.WARN)
    return
  end
  local range = edit_range(opts, bufnr, client.offset_encoding)
  local uri = vim.uri_from_bufnr(bufnr)
  local function send(instruction)
    if instruction == nil or vim.trim(instruction) == "" then
      return
    end
    client:exec_cmd({
      title = "blitzls: edit",
      command = EDIT_COMMAND,
      arguments = { { uri = uri, range = range, instruction = vim.trim(instruction) } },
    }, { bufnr = bufnr }, function(err)
      if err then
        notify("the edit failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
    end)
  end
  if opts.args ~= "" then
    send(opts.args)
  else
    vim.ui.input({ prompt = "blitzls instruction: " }, send)
  end
end

vim.api.nvim_create_user_command("BlitzEdit", blitz_edit, {
  range = true,
  nargs = "*",
  desc = "blitzls: edit the block at the cursor, a range or the selection following an instruction",
})

vim.api.nvim_create_user_command("BlitzPseudocode", function(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  if blitz_client(bufnr) == nil then
    notify("no blitzls client is attached to this buffer", vim.log.levels.WARN)
    return
  end
  local action_opts = {
    context = { only = { PSEUDOCODE_KIND }, diagnostics = {} },
    filter = function(action)
      return action.kind == PSEUDOCODE_KIND
    end,
    apply = true,
  }
  if opts.range > 0 then
    -- (row, byte col) of the last character; Neovim adds one for the exclusive LSP end.
    local last = vim.api.nvim_buf_get_lines(bufnr, opts.line2 - 1, opts.line2, false)[1] or ""
    action_opts.range = { start = { opts.line1, 0 }, ["end"] = { opts.line2, math.max(#last - 1, 0) } }
  end
  vim.lsp.buf.code_action(action_opts)
end, { range = true, desc = "blitzls: convert the pseudocode under the cursor or in the range" })

local group = vim.api.nvim_create_augroup("blitzls", { clear = true })
vim.api.nvim_create_autocmd("LspProgress", {
  group = group,
  callback = function(event)
    if vim.g.blitzls_progress == false then
      return
    end
    local data = event.data or {}
    local client = vim.lsp.get_client_by_id(data.client_id)
    local value = data.params and data.params.value
    if client == nil or client.name ~= "blitzls" or type(value) ~= "table" then
      return
    end
    -- The server's titles already start with "blitzls: ".
    local text = (value.title or ""):gsub("^blitzls: ", "")
    if type(value.message) == "string" and value.message ~= "" then
      text = (text ~= "" and text .. ": " or "") .. value.message
    end
    if type(value.percentage) == "number" then
      text = string.format("%s (%d%%)", text, value.percentage)
    end
    if value.kind == "end" and text == "" then
      text = "done"
    end
    -- One echo line, cut to the space left, so a long title never stops Neovim with
    -- "Press ENTER"; failures also arrive as window/showMessage errors.
    text = "blitzls: " .. text
    local room = math.max(vim.v.echospace, 12)
    if vim.fn.strdisplaywidth(text) > room then
      text = vim.fn.strcharpart(text, 0, room - 1) .. "…"
    end
    vim.api.nvim_echo({ { text } }, false, {})
  end,
})
