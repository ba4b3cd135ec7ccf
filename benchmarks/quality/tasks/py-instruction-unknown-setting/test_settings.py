import pytest
from settings import DEFAULTS, load_settings, save_settings


def test_unknown_key_is_named_in_the_error():
    with pytest.raises(ValueError, match="tab_sise"):
        load_settings('{"tab_sise": 2}')
    with pytest.raises(ValueError, match="colour"):
        load_settings('{"theme": "dark", "colour": "red"}')


def test_known_keys_still_load(tmp_path):
    settings = load_settings('{"tab_size": 2, "theme": "dark"}')
    assert settings == {**DEFAULTS, "tab_size": 2, "theme": "dark"}
    path = tmp_path / "settings.json"
    save_settings(path, settings)
    assert load_settings(path.read_text()) == settings
    with pytest.raises(ValueError, match="Tab_Size"):
        load_settings('{"Tab_Size": 2}')
