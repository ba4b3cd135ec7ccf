-- blitzls for Neovim 0.11+ (`:help lsp-config`). Put this folder on 'runtimepath' (or copy this
-- file to ~/.config/nvim/lsp/blitzls.lua), then call `vim.lsp.enable("blitzls")`.
--
-- Override anything with vim.lsp.config("blitzls", { ... }), e.g.
--   vim.lsp.config("blitzls", {
--     cmd = { vim.fn.expand("~/.venvs/blitzls/bin/blitzls"), "serve" },
--     init_options = { blitzls = { baseUrl = "http://localhost:11434/v1", model = "qwen2.5-coder:7b" } },
--   })
--
-- Settings (camelCase; unset ones fall back to the BLITZLS_* environment variables and then to
-- the defaults): baseUrl, model, apiKeyEnv, apiKey (prefer apiKeyEnv: keep keys out of
-- dotfiles), cache, cacheDir, cacheSizeMb, timeout, connectTimeout, maxRetries, maxTokens,
-- temperature, contextLines.

---@param result any
local function on_action_done(_, result)
  -- `blitzls/actionDone` {tokens, cost, cacheHit}: a one-line summary; anything malformed is ignored.
  if type(result) ~= "table" then
    return
  end
  local parts = {}
  if result.cacheHit == true then
    parts[#parts + 1] = "cached"
  end
  if type(result.tokens) == "number" then
    parts[#parts + 1] = string.format("%d tok", result.tokens)
  end
  if type(result.cost) == "number" and result.cacheHit ~= true then
    parts[#parts + 1] = string.format("$%.4f", result.cost)
  end
  if #parts > 0 then
    vim.api.nvim_echo({ { "blitzls: " .. table.concat(parts, " · ") } }, false, {})
  end
end

---@type vim.lsp.Config
return {
  cmd = { "blitzls", "serve" },
  filetypes = {
    "python",
    "javascript",
    "javascriptreact",
    "typescript",
    "typescriptreact",
    "go",
    "rust",
    "c",
    "cpp",
    "cs",
    "java",
    "kotlin",
    "ruby",
    "php",
    "lua",
    "sh",
    "bash",
    "zsh",
    "swift",
  },
  root_markers = { ".git", "pyproject.toml", "package.json", "Cargo.toml", "go.mod" },
  -- No init_options here: an empty Lua table would be sent as a JSON array. Set yours with
  --   vim.lsp.config("blitzls", { init_options = { blitzls = { model = "..." } } })
  -- init_options are in place before the first request; `settings = { blitzls = {...} }` also
  -- work but arrive just after start, as workspace/didChangeConfiguration.
  handlers = {
    ["blitzls/actionDone"] = on_action_done,
  },
}
