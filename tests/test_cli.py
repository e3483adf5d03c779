"""The command line: help, the dry run without network, and configuration errors."""
import re
from conftest import radphi2

def test_help_lists_every_command():
    r = radphi2('--help')
    assert r.returncode == 0
    for cmd in ('reproduce', 'curate', 'train', 'generate', 'evaluate'): assert cmd in r.stdout
    for cmd in ('reproduce', 'curate', 'train', 'generate', 'evaluate'):
        h = radphi2(cmd, '--help')
        assert h.returncode == 0 and '--profile' in h.stdout and '--set' in h.stdout, h.stdout

def test_paper_dry_run_counts_phi2_without_network():
    r = radphi2('train', '--profile', 'paper', '--dry-run')
    assert r.returncode == 0, r.stderr
    n = int(re.search(r'parameters: ([\d,]+)', r.stdout).group(1).replace(',', ''))
    assert 2.75e9 < n < 2.80e9
    assert 'full fine-tune' in r.stdout and 'LoRA' in r.stdout

def test_unknown_recipe_key_is_a_clear_error(tmp_path):
    r = radphi2('curate', '--out', tmp_path / 'r', '--set', 'train.radphi2.max_step=5')
    assert r.returncode == 2
    assert "unknown key(s) ['max_step']" in r.stderr and 'Traceback' not in r.stderr

def test_unknown_profile(tmp_path):
    r = radphi2('reproduce', '--profile', 'nope', '--out', tmp_path / 'r')
    assert r.returncode == 2 and "unknown profile 'nope'" in r.stderr

def test_every_shipped_profile_resolves_and_its_tiny_base_is_buildable():
    from radphi2.config import load_config, profiles
    from radphi2.models import tiny_config
    assert {'tiny', 'openi', 'paper'} <= set(profiles())
    for p in profiles():
        cfg = load_config(p)
        assert cfg.train, p
        b = cfg.base
        if b.name_or_path == 'tiny':                   # head_dim x 0.4 must be an even integer, among others
            tiny_config(b.vocab_size, b.hidden_size, b.num_layers, b.num_heads, b.intermediate_size, b.max_position)
