"""Settings, as the rest of blitzls imports them: re-exports of :mod:`blitzls.settings`.

The schema, the layers (environment, project file, editor, flags, presets), the project-file
trust rules and the lookups (API key, cache directory, embedded model) each live in their
own module there.
"""

from __future__ import annotations

from blitzls.settings.endpoint import effective_model, uses_embedded_model
from blitzls.settings.keys import (
    api_key,
    is_loopback,
    missing_key_message,
    wraps_text_completions,
)
from blitzls.settings.layers import from_environment, kept, merge, shown_value, with_preset
from blitzls.settings.options import SettingsError
from blitzls.settings.paths import cache_dir, user_cache_dir
from blitzls.settings.project import (
    PROJECT_FILES,
    PROJECT_FORBIDDEN,
    PROJECT_RULES,
    apply_project,
    find_project_file,
    project_label,
    read_project_table,
    with_project_file,
    with_project_layer,
)
from blitzls.settings.providers import (
    DEFAULT_API_KEY_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    EMBEDDED_BASE_URL,
    LOCAL_API_KEY,
    PRESET_KEYS,
    PROVIDERS,
)
from blitzls.settings.schema import (
    DEFAULT_ORIGIN,
    Settings,
    bounds,
    camel_case,
    convert,
    env_variable,
    project_rule,
    schema_fields,
    setting_name,
)

__all__ = [
    "DEFAULT_API_KEY_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "DEFAULT_ORIGIN",
    "EMBEDDED_BASE_URL",
    "LOCAL_API_KEY",
    "PRESET_KEYS",
    "PROJECT_FILES",
    "PROJECT_FORBIDDEN",
    "PROJECT_RULES",
    "PROVIDERS",
    "Settings",
    "SettingsError",
    "api_key",
    "apply_project",
    "bounds",
    "cache_dir",
    "camel_case",
    "convert",
    "effective_model",
    "env_variable",
    "find_project_file",
    "from_environment",
    "is_loopback",
    "kept",
    "merge",
    "missing_key_message",
    "project_label",
    "project_rule",
    "read_project_table",
    "schema_fields",
    "setting_name",
    "shown_value",
    "user_cache_dir",
    "uses_embedded_model",
    "with_preset",
    "with_project_file",
    "with_project_layer",
    "wraps_text_completions",
]
