"""FAISS side of navbat-matching's side-by-side bench: IndexFlatIP and 8-bit SQ on the
vectors exported by `side_by_side export`; prints one JSON line per index."""
import json
import sys
import time

import faiss
import numpy as np


def main(data_dir):
    meta = json.load(open(f"{data_dir}/meta.json"))
    d = meta["dimension"]
    xb = np.fromfile(f"{data_dir}/gallery.f32", dtype="<f4").reshape(-1, d)
    xq = np.fromfile(f"{data_dir}/queries.f32", dtype="<f4").reshape(-1, d)
    k = 10
    threads = faiss.omp_get_max_threads()
    flat = faiss.IndexFlatIP(d)
    flat.add(xb)
    sq8 = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    sq8.train(xb)
    sq8.add(xb)
    exact = None
    for name, index in [("IndexFlatIP", flat), ("IndexScalarQuantizer QT_8bit", sq8)]:
        index.search(xq[:8], k)  # warm up
        start = time.perf_counter()
        _, ids = index.search(xq, k)
        batch_s = time.perf_counter() - start
        single_n = min(len(xq), 200)
        start = time.perf_counter()
        for i in range(single_n):
            index.search(xq[i : i + 1], k)
        single_s = time.perf_counter() - start
        if exact is None:
            exact = ids
        recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(exact, ids)])
        print(json.dumps({
            "engine": f"faiss {faiss.__version__}",
            "index": name,
            "n": int(xb.shape[0]),
            "queries": int(xq.shape[0]),
            "threads": threads,
            "batch_qps": round(len(xq) / batch_s, 1),
            "single_qps": round(single_n / single_s, 1),
            "recall_at_10_vs_faiss_flat": round(float(recall), 5),
            "memory_bytes": int(index.sa_code_size() * index.ntotal) if name != "IndexFlatIP" else int(xb.nbytes),
        }))


if __name__ == "__main__":
    main(sys.argv[1])
