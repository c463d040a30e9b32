//! English teaching texts, keyed by message. `{name}` placeholders are
//! filled by the caller; `zh.rs` has the same keys and placeholders.

/// The English table.
pub(super) static TEXTS: &[(&str, &str)] = &[
    // Joining and closing words.
    ("or", " or "),
    ("next", "Next: {commands}."),
    (
        "nothing",
        "Nothing to explain yet: run a report first (top, for instance), then type explain.",
    ),
    (
        "generic",
        "{command} writes a format for other tools to read, so there is nothing to read out here. explain reads the text reports: top, peek, tree, list, traces, tags, and growth for a series.",
    ),
    // What each sample type measures.
    (
        "measure.inuse_space",
        "These numbers are inuse_space: memory that was allocated and not yet freed when the profile was taken (as of the last garbage collection), {total} in all. A heap profile samples allocations (about one every 512 KiB), so the figures are estimates, and they are not the process's RSS.",
    ),
    (
        "measure.inuse_objects",
        "These numbers are inuse_objects: how many allocated objects were still live when the profile was taken, {total} in all. Compared with inuse_space it tells many small objects from a few big ones.",
    ),
    (
        "measure.alloc_space",
        "These numbers are alloc_space: every byte allocated since the program started, freed or not, {total} in all. That measures allocation churn (work for the garbage collector), not what is kept.",
    ),
    (
        "measure.alloc_objects",
        "These numbers are alloc_objects: how many objects were allocated since the program started, freed or not, {total} in all.",
    ),
    (
        "measure.cpu",
        "These numbers are cpu: time spent running on a CPU, {total} in all. A goroutine or thread that waits (for I/O, a lock, a timer) uses no CPU and does not show here.",
    ),
    (
        "measure.samples",
        "These numbers are samples: how many times the profiler found the program in each place, {total} in all; more samples means more time there.",
    ),
    (
        "measure.contentions",
        "These numbers are contentions: how many times a goroutine had to wait for a lock or a channel, {total} in all.",
    ),
    (
        "measure.delay",
        "These numbers are delay: the total time goroutines spent waiting for locks or channels, {total} in all.",
    ),
    (
        "measure.goroutine",
        "These numbers count goroutines: how many were at each place when the profile was taken, {total} in all.",
    ),
    (
        "measure.other",
        "These numbers are {type}, measured in {unit}; {total} in all.",
    ),
    // Which sample type answers which question.
    (
        "advice.inuse",
        "In-use memory is the right view for a leak: it shows what is kept. For churn (memory allocated and freed again, which costs GC time) look at alloc_space instead. A sample type name alone is a command in rpprof: type alloc_space to switch, inuse_space to come back.",
    ),
    (
        "advice.alloc",
        "Allocation counts show churn. To hunt a leak, look at what stays allocated: type inuse_space (a sample type name alone is a command in rpprof).",
    ),
    (
        "advice.cpu",
        "A CPU profile cannot show what is waiting: for goroutines that pile up, open a goroutine profile; for lock waits, a mutex or block profile.",
    ),
    (
        "advice.contention",
        "Contention profiles show waiting, not work: a CPU profile shows where time is spent running.",
    ),
    (
        "advice.goroutine",
        "A goroutine count that keeps rising across snapshots is a goroutine leak; take a few snapshots and compare them.",
    ),
    // Empty reports.
    (
        "empty",
        "This report is empty: no sample has any {type} (after the filters, if any).",
    ),
    (
        "empty.heap",
        "A heap profile written when a program ends, by a test or a benchmark, often has nothing in use any more: everything was freed. What it allocated is still counted in the alloc_ sample types.",
    ),
    (
        "empty.try",
        "{other} holds {total}: type {other} (or sample_index={other}) to see it.",
    ),
    // Differences against a base.
    (
        "diff.base",
        "The values are differences: this profile minus the base given with -base. A positive value grew since the base, a negative one shrank (freed memory, less time); a function can have a negative flat or cum. Percentages are of {total}, the sum of all the changes counted without their sign.",
    ),
    (
        "diff.diff_base",
        "The values are differences against the base given with -diff_base: positive grew, negative shrank. Percentages are of the base's total, {total}, so a +50% row grew by half of what the whole base held.",
    ),
    (
        "diff.negative",
        "For instance {name} shows {value}: it holds less than in the base.",
    ),
    // top.
    (
        "top.first",
        "{name} comes first. Its flat, {flat} ({flat_pct} of the total), is counted in the function itself; its cum, {cum} ({cum_pct}), also counts everything the functions it calls account for.",
    ),
    (
        "top.first_cum",
        "The rows are sorted by cum. {name} comes first: its cum, {cum} ({cum_pct}), counts the function with everything it calls; its flat, {flat} ({flat_pct}), only what it accounts for itself.",
    ),
    (
        "top.leaf",
        "For {name} flat equals cum: nothing below it accounts for any of it, the cost is its own.",
    ),
    (
        "top.caller",
        "{name} has a flat of only {flat} but a cum of {cum} ({cum_pct}): it holds little itself, yet the calls it makes account for that much. That is usually the code to read.",
    ),
    (
        "top.sum",
        "sum% adds up flat from the first row down: the first {rows} rows hold {sum_pct} of {total}. It is not a cum%: a caller's cum contains its callees' cum, so cum% values overlap and never add up.",
    ),
    (
        "top.sum_one",
        "sum% adds up flat from the first row down: the first row alone holds {sum_pct} of {total}. It is not a cum%: a caller's cum contains its callees' cum, so cum% values overlap and never add up.",
    ),
    (
        "top.inline",
        "(inline) marks a function the compiler inlined into its callers, such as {name}: no call happened at run time, but its cost is still shown under its own name.",
    ),
    (
        "top.dropped",
        "Dropped {count} nodes: functions with a cum of at most {cut} are left out to keep the report short (the nodefraction option); the total still counts them.",
    ),
    (
        "top.showing",
        "Showing top {shown} nodes out of {count}: the report stops after {shown} rows; top {more} shows more, and the nodecount option sets the default.",
    ),
    (
        "top.filters",
        "Active filters ({filters}) decide which samples and frames are counted.",
    ),
    // peek and tree.
    (
        "peek.intro",
        "peek shows each function that matched (here {count}) on the line marked |, with its callers above it and its callees below it; calls% is the share of the function's cum that goes through each one.",
    ),
    (
        "tree.intro",
        "tree shows every function kept (here {count}), each with its callers above it and its callees below it; calls% is the share of the function's cum that goes through each one.",
    ),
    (
        "peek.entry",
        "{name}: cum {cum} ({cum_pct} of the total), flat {flat}.",
    ),
    (
        "peek.caller",
        "Most of it comes through {caller}: {weight}, {share} of its cum.",
    ),
    (
        "peek.root",
        "Nothing calls {name}: it is where its stacks start (a goroutine's or thread's first frame).",
    ),
    (
        "peek.callee",
        "Its biggest callee is {callee}: {weight}, {share} of its cum.",
    ),
    (
        "peek.leaf",
        "{name} calls nothing that accounts for anything: its cost is its own (flat equals cum).",
    ),
    // list.
    (
        "list.none",
        "None of the {count} functions that matched has source lines; build with debug information or check the binary.",
    ),
    (
        "list.count",
        "Functions matched: {count}; the one with the largest cum is {name}.",
    ),
    (
        "list.routine",
        "{name} in {file}: flat {flat}, cum {cum} ({cum_pct} of the total). On each line, flat is what that line accounts for itself, cum adds the calls it makes.",
    ),
    (
        "list.hot",
        "Line {line} holds the most: flat {flat}, cum {cum}: {text}",
    ),
    (
        "list.calls",
        "Of that, {calls} is in the functions the line calls: peek shows which.",
    ),
    (
        "list.nosource",
        "The source of {name} was not found ({error}). source_path tells rpprof where to look, and trim_path removes the build machine's path prefix.",
    ),
    // traces.
    (
        "traces.intro",
        "traces prints every distinct call stack of the samples (here {count}), each with its value, the innermost function (where the time went or the memory was allocated) first.",
    ),
    (
        "traces.heaviest",
        "The heaviest stack holds {value} ({pct}): it ends in {leaf}, called from {caller}.",
    ),
    (
        "traces.heaviest_alone",
        "The heaviest stack holds {value} ({pct}): it is {leaf} alone.",
    ),
    // tags.
    (
        "tags.none",
        "No sample of this profile has labels, so tags has nothing to break {type} down by.",
    ),
    (
        "tags.intro",
        "tags breaks {type} down by the samples' labels, key by key (label keys: {count}), with each value's share of its key's total.",
    ),
    (
        "tags.key",
        "Under {key}, the value {value} holds the most: {amount} ({pct}).",
    ),
    // growth and snapshots.
    (
        "growth.intro",
        "growth compares the {count} snapshots: {type} went from {first} in the first to {last} in the last. Rows are ranked by how much they grew, and each gets a verdict from the shape of its values.",
    ),
    (
        "verdict.growing",
        "growing ({count}: {names}): rose at nearly every step and never fell. That is the shape of a leak; read these first.",
    ),
    (
        "verdict.plateau",
        "plateau ({count}: {names}): grew, then stopped. Usually a cache or a pool filling up to its size, not a leak.",
    ),
    (
        "verdict.new",
        "new ({count}: {names}): absent from the first snapshot, present in the last. Watch whether it keeps growing in later snapshots.",
    ),
    (
        "verdict.churn",
        "churn ({count}: {names}): went up and down without a steady trend; memory that is allocated and freed again.",
    ),
    (
        "verdict.shrinking",
        "shrinking ({count}: {names}): fell and never rose.",
    ),
    (
        "verdict.gone",
        "gone ({count}: {names}): present in the first snapshot, absent from the last.",
    ),
    (
        "verdict.flat",
        "flat ({count}: {names}): stayed within a narrow band.",
    ),
    ("growth.none", "No entry changed between the snapshots."),
    (
        "snapshots.intro",
        "The series holds {count} snapshots, oldest first; the one marked * is the one reports run on (use K switches). {type} went from {first} to {last}.",
    ),
    // Hints on stderr after a stumble.
    (
        "hint.literal",
        "hint: ( ) * . [ and + are special in a regexp; to match the name as written, type: {line}",
    ),
    (
        "hint.literal_offer",
        "hint: ( ) * . [ and + are special in a regexp; the name as written is {line} (ready at the prompt: press Enter)",
    ),
    (
        "hint.empty",
        "hint: {type} is empty here, but {other} holds {total}: type {other} to see it",
    ),
    ("hint.did_you_mean", "did you mean {line}?"),
    (
        "hint.source",
        "hint: {file} is not on this machine: set source_path=DIR to where your source tree is (several: DIR1:DIR2), and trim_path=PREFIX to drop the build machine's prefix",
    ),
    (
        "hint.negative",
        "hint: negative values are decreases: this profile minus the base; type explain for more",
    ),
    // The guided tour.
    (
        "tour.intro",
        "Welcome to the rpprof tour. A Go server's memory grows without bound; five heap snapshots were taken from its /debug/pprof/heap, a few seconds apart, and are loaded here as a series (reports run on the newest). We will hunt the leak the way the article does: ask a question, form a hypothesis, test it with a profile. Type the command each step shows (or your own form of it); skip, back and quit move around.",
    ),
    ("tour.step", "Step {n} of {count}: {question}"),
    ("tour.type", "Type {command}: {why}"),
    (
        "tour.hint",
        "That ran, but this step asks for {command}. {why} Or type skip, back or quit.",
    ),
    (
        "tour.controls",
        "Type the command the step shows. skip goes to the next step, back to the previous one, quit leaves the tour.",
    ),
    (
        "tour.done",
        "That is the whole hunt: top found the memory, top -cum and peek the code that asks for it, list the line, alloc_space ruled out churn, diff and growth proved it keeps growing. The fix is to stop appending to the global slice (or to bound it). Keep exploring these snapshots, or open your own profile with rpprof FILE.",
    ),
    ("tour.back", "Back to your profile."),
    ("tour.top.question", "Where is the memory now?"),
    (
        "tour.top.hypothesis",
        "Hypothesis: something keeps memory alive, so the biggest in-use allocations will point at it.",
    ),
    (
        "tour.top.why",
        "top ranks functions by the memory they hold.",
    ),
    (
        "tour.top.lesson",
        "One function holds almost everything. But bytes.Repeat is a library function: it allocates on behalf of whoever calls it.",
    ),
    (
        "tour.cum.question",
        "Which of our functions asks for that memory?",
    ),
    (
        "tour.cum.hypothesis",
        "Hypothesis: a function of the server is on the stack of every one of those allocations, so its cum is as big as bytes.Repeat's flat.",
    ),
    (
        "tour.cum.why",
        "-cum sorts by cum, which counts a function with everything it calls.",
    ),
    (
        "tour.cum.lesson",
        "The server's main.(*RequestTracker).Track is near the top by cum, right under the HTTP plumbing that calls every handler: it is the suspect.",
    ),
    ("tour.list.question", "Which line of Track allocates?"),
    (
        "tour.list.hypothesis",
        "Hypothesis: one line of Track calls bytes.Repeat and keeps the result. list shows the source with each line's flat and cum. Its argument is a regexp, where ( ) * and . are special: list (*RequestTracker).Track is an error, so escape them with \\ (list Track works too).",
    ),
    (
        "tour.list.why",
        "list prints the source of the matching functions with values per line.",
    ),
    (
        "tour.list.lesson",
        "Line 28 appends a new 10 kB slice to t.data for every request, and nothing ever removes it: t.data lives as long as the tracker, so the memory can never be freed. That is the leak.",
    ),
    (
        "tour.peek.question",
        "Is Track the only caller of bytes.Repeat?",
    ),
    (
        "tour.peek.hypothesis",
        "Hypothesis: if every byte of bytes.Repeat comes through Track, fixing Track fixes the leak.",
    ),
    (
        "tour.peek.why",
        "peek shows a function's callers above it and its callees below it.",
    ),
    (
        "tour.peek.lesson",
        "All of bytes.Repeat's memory comes through Track: there is one leak, not several.",
    ),
    ("tour.alloc.question", "Is this retention or only churn?"),
    (
        "tour.alloc.hypothesis",
        "Hypothesis: a leak keeps what it allocates, so in-use memory is close to everything ever allocated; churn would allocate far more than it keeps.",
    ),
    (
        "tour.alloc.why",
        "alloc_space counts every byte allocated since the start, freed or not.",
    ),
    (
        "tour.alloc.lesson",
        "alloc_space, everything allocated since the start, is {alloc}; inuse_space, what is still held, is {inuse}: {share} of it is still in use. The memory is kept, not churned, which is what a leak looks like. The tour switches back to inuse_space for the next steps.",
    ),
    (
        "tour.diff.question",
        "What grew between the first and the last snapshot?",
    ),
    (
        "tour.diff.hypothesis",
        "Hypothesis: a leak grows over time, so subtracting the first snapshot from the last shows it growing while the rest cancels out.",
    ),
    (
        "tour.diff.why",
        "diff 1 5 reports snapshot 5 with snapshot 1 as its base, as go tool pprof -base heap_1 heap_5 does.",
    ),
    (
        "tour.diff.lesson",
        "Almost all of the growth is bytes.Repeat under Track: the rest of the server stays the same size.",
    ),
    (
        "tour.growth.question",
        "Does it grow steadily, across every snapshot?",
    ),
    (
        "tour.growth.hypothesis",
        "Hypothesis: a leak rises at each snapshot, a cache fills up and stops; two snapshots cannot tell them apart, five can.",
    ),
    (
        "tour.growth.why",
        "growth ranks functions by growth over the whole series and gives each a verdict.",
    ),
    (
        "tour.growth.lesson",
        "bytes.Repeat and Track are growing at every step: the leak is confirmed, with its place in the code.",
    ),
];
