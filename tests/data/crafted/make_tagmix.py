"""Writes tagmix.pb.gz: a small heap-like profile (alloc_space/bytes,
alloc_objects/count) whose samples mix string labels (region, tenant) with a
numeric `bytes` label taking 15 values, over Go, versioned-Go, C++ and Java
names and an inlined frame. It exercises dot nodelets: string tags, numeric
tags nested under them, and bucketing of numeric tags.

usage: python3 make_tagmix.py [PATH/TO/gen_big.py]   (needs `pip install protobuf`;
gen_big.py is in the shared corpus, ../shared/corpus/go/gen_big.py).
Deterministic: the same file every time.
"""
import gzip, os, random, sys
import importlib.util
here = os.path.dirname(os.path.abspath(__file__))
gen = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../../shared/corpus/go/gen_big.py")
spec = importlib.util.spec_from_file_location('gen_big', gen)
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)

def build(path):
    p = g.Profile(); st = g.Strings()
    vt = p.sample_type.add(); vt.type = st("alloc_space"); vt.unit = st("bytes")
    vt = p.sample_type.add(); vt.type = st("alloc_objects"); vt.unit = st("count")
    m = p.mapping.add(); m.id = 1; m.memory_start = 0x1000; m.memory_limit = 0x90000; m.filename = st("/opt/bin/tagmix")
    m.has_functions = True; m.has_filenames = True; m.has_line_numbers = True
    names = ["main.main", "main.handle", "example.com/mod/v3/store.(*DB).Put", "ns::cache::Shard::insert",
             "java.util.HashMap.put(java.lang.Object)", "main.alloc\"quoted\\back", "runtime.mallocgc", "main.leaf[...]", "main.work"]
    for i, n in enumerate(names):
        f = p.function.add(); f.id = i + 1; f.name = st(n); f.system_name = f.name; f.filename = st("/src/prog/file%d.go" % i); f.start_line = 1
    for i in range(len(names)):
        l = p.location.add(); l.id = i + 1; l.mapping_id = 1; l.address = 0x1000 + 16 * i
        ln = l.line.add(); ln.function_id = i + 1; ln.line = 10 + i
    # one inlined location: leaf inlined into work
    l = p.location.add(); l.id = 100; l.mapping_id = 1; l.address = 0x5000
    a = l.line.add(); a.function_id = 8; a.line = 77
    b = l.line.add(); b.function_id = 9; b.line = 88
    rng = random.Random(7)
    paths = [[1, 2, 3, 7], [1, 2, 4, 7], [1, 2, 5], [1, 2, 6, 7], [1, 2, 100], [1, 9, 100], [1, 2, 3, 4, 7], [1, 2, 9, 3]]
    sizes = [16, 32, 48, 64, 96, 128, 256, 512, 1024, 2048, 4096, 8192, 65536, 1 << 20, 3 << 20]
    for k in range(400):
        s = p.sample.add()
        stack = rng.choice(paths)
        s.location_id.extend(list(reversed(stack)))
        sz = rng.choice(sizes)
        cnt = rng.randint(1, 20)
        s.value.extend([sz * cnt, cnt])
        r = rng.random()
        if r < 0.45:
            lb = s.label.add(); lb.key = st("region"); lb.str = st(rng.choice(["eu", "us", "ap"]))
        if r < 0.25:
            lb = s.label.add(); lb.key = st("tenant"); lb.str = st(rng.choice(["t1", "t2"]))
        if rng.random() < 0.8:
            lb = s.label.add(); lb.key = st("bytes"); lb.num = sz
    p.string_table.extend(st.table)
    p.time_nanos = 1700000000 * 10**9
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(p.SerializeToString())
build(os.path.join(here, 'tagmix.pb.gz'))
