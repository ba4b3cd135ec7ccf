-- blitzls for nvim-lspconfig users.
--
-- Neovim 0.11+ needs no nvim-lspconfig: put client-config/neovim on 'runtimepath' (it holds
-- lsp/blitzls.lua) and call vim.lsp.enable("blitzls"). This snippet is for setups that still
-- go through require("lspconfig") (Neovim 0.10, or configs written for nvim-lspconfig < 2).
-- Paste it into your init.lua before calling setup.
local configs = require("lspconfig.configs")
local util = require("lspconfig.util")

if not configs.blitzls then
  configs.blitzls = {
    default_config = {
      cmd = { "blitzls", "serve" },
      filetypes = {
        "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "go",
        "rust", "c", "cpp", "cs", "java", "kotlin", "ruby", "php", "lua", "sh", "bash", "zsh",
        "swift",
      },
      root_dir = util.root_pattern(".git", "pyproject.toml", "package.json", "Cargo.toml", "go.mod"),
      single_file_support = true,
    },
    docs = {
      description = "blitzls: fast-model code actions (pseudocode to code, instruction edits).",
    },
  }
end

-- Settings are camelCase; unset ones fall back to the BLITZLS_* environment variables. Keep the
-- API key in the environment (apiKeyEnv names the variable), not in your config. Leave
-- init_options out rather than passing an empty `blitzls = {}` (Neovim sends it as a JSON array).
require("lspconfig").blitzls.setup({
  init_options = {
    blitzls = {
      model = "grok-code-fast-1",
      -- baseUrl = "http://localhost:11434/v1",
      -- apiKeyEnv = "XAI_API_KEY",
    },
  },
})
