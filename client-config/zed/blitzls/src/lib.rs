//! Zed extension for blitzls: starts `blitzls serve` (found on the worktree's PATH, or the
//! command in `lsp.blitzls.binary`) and passes `lsp.blitzls.initialization_options` and
//! `lsp.blitzls.settings` from the user's settings.json to the server.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

const SERVER_NAME: &str = "blitzls";

struct BlitzlsExtension;

impl BlitzlsExtension {
    fn lsp_settings(worktree: &zed::Worktree) -> LspSettings {
        LspSettings::for_worktree(SERVER_NAME, worktree).unwrap_or_default()
    }
}

impl zed::Extension for BlitzlsExtension {
    fn new() -> Self {
        BlitzlsExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = Self::lsp_settings(worktree).binary;
        let path = binary.as_ref().and_then(|binary| binary.path.clone());
        let args = binary
            .as_ref()
            .and_then(|binary| binary.arguments.clone())
            .unwrap_or_else(|| vec!["serve".to_string()]);
        let command = match path {
            Some(path) => path,
            None => worktree.which(SERVER_NAME).ok_or_else(|| {
                "blitzls is not on PATH: install it, or set lsp.blitzls.binary.path in \
                 settings.json to its absolute path"
                    .to_string()
            })?,
        };
        // The shell environment carries the API key (XAI_API_KEY, or the variable named by
        // apiKeyEnv) and any BLITZLS_* settings to the server.
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(Self::lsp_settings(worktree).initialization_options)
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(Self::lsp_settings(worktree).settings)
    }
}

zed::register_extension!(BlitzlsExtension);
