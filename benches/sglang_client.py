"""Run SGLang 0.5.23's own benchmark client, `sglang.benchmark.serving` (file unmodified),
without torch: `import sglang` runs sglang/__init__.py, which imports the server runtime
(torch, triton) although the client never uses it. Here the packages `sglang`, `sglang.srt`
and `sglang.srt.utils` are registered with their real paths but without running their
__init__ files, and `sglang.srt.disaggregation.utils`, which the client imports for one
constant (FAKE_BOOTSTRAP_HOST), is a module holding that constant with its 0.5.23 value.
Every other module the client imports is SGLang's own."""
import importlib.util, os, sys, types

spec = importlib.util.find_spec("sglang")
root = os.path.dirname(spec.origin)
for name, path in [("sglang", root), ("sglang.srt", os.path.join(root, "srt")),
                   ("sglang.srt.utils", os.path.join(root, "srt", "utils")),
                   ("sglang.srt.disaggregation", os.path.join(root, "srt", "disaggregation"))]:
    m = types.ModuleType(name)
    m.__path__ = [path]
    sys.modules[name] = m
src = open(os.path.join(root, "srt", "disaggregation", "utils.py")).read()
line = next(l for l in src.splitlines() if l.startswith("FAKE_BOOTSTRAP_HOST"))
d = types.ModuleType("sglang.srt.disaggregation.utils")
exec(line, d.__dict__)
sys.modules[d.__name__] = d
from sglang.benchmark.serving import cli_main  # noqa: E402
sys.argv[0] = "sglang.benchmark.serving"
cli_main()
