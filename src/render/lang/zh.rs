//! 简体中文教学文本，按消息键排列；键和 `{name}` 占位符与 `en.rs` 相同。
//! 报告里的列名和命令（flat、cum、sum%、inuse_space、top……）保持英文，
//! 与屏幕上看到的一致。

/// The Simplified Chinese table.
pub(super) static TEXTS: &[(&str, &str)] = &[
    ("or", " 或 "),
    ("next", "下一步：{commands}。"),
    (
        "nothing",
        "还没有可以解释的报告：先运行一个报告（例如 top），再输入 explain。",
    ),
    (
        "generic",
        "{command} 输出的是给其他工具读取的格式，这里没有可解读的内容。explain 解读的是文本报告：top、peek、tree、list、traces、tags，以及快照序列的 growth。",
    ),
    (
        "measure.inuse_space",
        "这些数字是 inuse_space：采集时已分配、尚未释放的内存（以最近一次垃圾回收为准），共 {total}。堆 profile 对分配做抽样（大约每 512 KiB 一次），所以数值是估计值，也不等于进程的 RSS。",
    ),
    (
        "measure.inuse_objects",
        "这些数字是 inuse_objects：采集时仍然存活的对象个数，共 {total}。和 inuse_space 对照，可以区分“很多小对象”和“少数大对象”。",
    ),
    (
        "measure.alloc_space",
        "这些数字是 alloc_space：程序启动以来分配过的全部字节，不论是否已释放，共 {total}。它衡量的是分配的频繁程度（垃圾回收的负担），而不是留下来的内存。",
    ),
    (
        "measure.alloc_objects",
        "这些数字是 alloc_objects：程序启动以来分配过的对象个数，不论是否已释放，共 {total}。",
    ),
    (
        "measure.cpu",
        "这些数字是 cpu：在 CPU 上运行的时间，共 {total}。等待中（I/O、锁、定时器）的 goroutine 或线程不占用 CPU，不会出现在这里。",
    ),
    (
        "measure.samples",
        "这些数字是 samples：采样器在每个位置发现程序的次数，共 {total}；次数越多，花在那里的时间越多。",
    ),
    (
        "measure.contentions",
        "这些数字是 contentions：goroutine 不得不等待锁或 channel 的次数，共 {total}。",
    ),
    (
        "measure.delay",
        "这些数字是 delay：goroutine 等待锁或 channel 的总时间，共 {total}。",
    ),
    (
        "measure.goroutine",
        "这些数字是 goroutine 的个数：采集时停在每个位置的 goroutine 有多少，共 {total}。",
    ),
    (
        "measure.other",
        "这些数字是 {type}，单位是 {unit}；共 {total}。",
    ),
    (
        "advice.inuse",
        "排查内存泄漏应该看正在使用的内存：它反映留下来的东西。要看分配的频繁程度（分配后又被释放、消耗 GC 时间的内存），改看 alloc_space。在 rpprof 里，单独输入采样类型名就是一条命令：输入 alloc_space 切换过去，输入 inuse_space 切换回来。",
    ),
    (
        "advice.alloc",
        "分配量反映的是分配的频繁程度。排查泄漏要看一直没有释放的内存：输入 inuse_space（在 rpprof 里，单独输入采样类型名就是一条命令）。",
    ),
    (
        "advice.cpu",
        "CPU profile 看不到处于等待的东西：goroutine 越积越多时，打开 goroutine profile；等锁的问题，看 mutex 或 block profile。",
    ),
    (
        "advice.contention",
        "争用类 profile 显示的是等待而不是工作；要看时间花在哪里运行，请看 CPU profile。",
    ),
    (
        "advice.goroutine",
        "如果 goroutine 的数量在多次快照中持续上升，就是 goroutine 泄漏；多采几次快照比较一下。",
    ),
    (
        "empty",
        "这个报告是空的：没有任何样本带有 {type}（如果设置了过滤条件，是过滤之后）。",
    ),
    (
        "empty.heap",
        "程序结束时（例如测试或基准测试）写出的堆 profile，往往已经没有正在使用的内存：全部都释放了。分配过的内存仍然记在 alloc_ 开头的采样类型里。",
    ),
    (
        "empty.try",
        "{other} 里有 {total}：输入 {other}（或 sample_index={other}）查看。",
    ),
    (
        "diff.base",
        "这些数值是差值：本 profile 减去 -base 指定的基准。正值表示比基准多了，负值表示少了（内存被释放、时间减少）；函数的 flat 或 cum 都可能是负数。百分比的分母是 {total}，即所有变化量不计正负号的总和。",
    ),
    (
        "diff.diff_base",
        "这些数值是相对于 -diff_base 基准的差值：正值增长，负值减少。百分比的分母是基准的总量 {total}，所以 +50% 的一行增长了整个基准的一半。",
    ),
    (
        "diff.negative",
        "例如 {name} 显示为 {value}：它比基准时占用得少。",
    ),
    (
        "top.first",
        "排在第一的是 {name}。它的 flat 为 {flat}（占总量的 {flat_pct}），是函数自身计入的部分；cum 为 {cum}（{cum_pct}），还包括它调用的所有函数计入的部分。",
    ),
    (
        "top.first_cum",
        "这些行按 cum 排序。排在第一的是 {name}：cum 为 {cum}（{cum_pct}），包括它本身和它调用的一切；flat 为 {flat}（{flat_pct}），只是它自身的部分。",
    ),
    (
        "top.leaf",
        "{name} 的 flat 等于 cum：它下面没有别的函数分担，开销全是它自己的。",
    ),
    (
        "top.caller",
        "{name} 的 flat 只有 {flat}，cum 却有 {cum}（{cum_pct}）：它自己占得很少，但它发出的调用占了这么多。通常这就是该去读的代码。",
    ),
    (
        "top.sum",
        "sum% 是从第一行往下累加的 flat：前 {rows} 行占了 {total} 中的 {sum_pct}。它不是 cum% 的累加：调用者的 cum 包含被调用者的 cum，所以 cum% 会互相重叠，加起来没有意义。",
    ),
    (
        "top.sum_one",
        "sum% 是从第一行往下累加的 flat：仅第一行就占了 {total} 中的 {sum_pct}。它不是 cum% 的累加：调用者的 cum 包含被调用者的 cum，所以 cum% 会互相重叠，加起来没有意义。",
    ),
    (
        "top.inline",
        "(inline) 表示这个函数被编译器内联到了调用者中，例如 {name}：运行时并没有真正发生调用，但它的开销仍然记在它自己的名字下。",
    ),
    (
        "top.dropped",
        "Dropped {count} nodes：cum 不超过 {cut} 的函数被省略，以免报告太长（由 nodefraction 选项控制）；总量里仍然计入了它们。",
    ),
    (
        "top.showing",
        "Showing top {shown} nodes out of {count}：报告在 {shown} 行后停止；输入 top {more} 可以看更多，nodecount 选项设置默认行数。",
    ),
    (
        "top.filters",
        "当前的过滤条件（{filters}）决定了哪些样本和栈帧被计入。",
    ),
    (
        "peek.intro",
        "peek 显示了 {count} 个函数，每个函数在标有 | 的那一行，上方是它的调用者，下方是它调用的函数；calls% 是该函数的 cum 中经过每一项的比例。",
    ),
    (
        "tree.intro",
        "tree 显示保留下来的全部 {count} 个函数，每个函数上方是它的调用者，下方是它调用的函数；calls% 是该函数的 cum 中经过每一项的比例。",
    ),
    (
        "peek.entry",
        "{name}：cum 为 {cum}（占总量的 {cum_pct}），flat 为 {flat}。",
    ),
    (
        "peek.caller",
        "其中大部分来自 {caller}：{weight}，占它的 cum 的 {share}。",
    ),
    (
        "peek.root",
        "没有函数调用 {name}：它是调用栈的起点（goroutine 或线程的第一帧）。",
    ),
    (
        "peek.callee",
        "它调用的函数中最大的是 {callee}：{weight}，占它的 cum 的 {share}。",
    ),
    (
        "peek.leaf",
        "{name} 调用的函数都不占开销：开销全是它自己的（flat 等于 cum）。",
    ),
    (
        "list.none",
        "匹配到的 {count} 个函数都没有源码行信息；请带调试信息编译，或检查二进制文件。",
    ),
    ("list.count", "匹配到 {count} 个函数；cum 最大的是 {name}。"),
    (
        "list.routine",
        "{name}（{file}）：flat 为 {flat}，cum 为 {cum}（占总量的 {cum_pct}）。每一行的 flat 是这一行自身计入的部分，cum 还包括这一行发出的调用。",
    ),
    (
        "list.hot",
        "第 {line} 行占得最多：flat 为 {flat}，cum 为 {cum}：{text}",
    ),
    (
        "list.calls",
        "其中 {calls} 在这一行调用的函数里：用 peek 可以看到是哪些。",
    ),
    (
        "list.nosource",
        "没有找到 {name} 的源文件（{error}）。source_path 告诉 rpprof 去哪里找，trim_path 去掉构建机器上的路径前缀。",
    ),
    (
        "traces.intro",
        "traces 列出样本中 {count} 个不同的调用栈及其数值，最内层的函数（时间花在那里或内存在那里分配）排在最前。",
    ),
    (
        "traces.heaviest",
        "最重的调用栈占 {value}（{pct}）：它止于 {leaf}，由 {caller} 调用。",
    ),
    (
        "traces.heaviest_alone",
        "最重的调用栈占 {value}（{pct}）：只有 {leaf} 一帧。",
    ),
    (
        "tags.none",
        "这个 profile 的样本都没有标签，tags 无法按标签拆分 {type}。",
    ),
    (
        "tags.intro",
        "tags 按样本的标签拆分 {type}（{count} 个键）：每个取值在所属键的总量中所占的比例。",
    ),
    (
        "tags.key",
        "在 {key} 下，取值 {value} 占得最多：{amount}（{pct}）。",
    ),
    (
        "growth.intro",
        "growth 比较了 {count} 个快照：{type} 从第一个快照的 {first} 变为最后一个的 {last}。各行按增长量排序，并根据数值变化的形状给出判断。",
    ),
    (
        "verdict.growing",
        "growing（{count} 项：{names}）：几乎每一步都在上升，从不下降。这正是内存泄漏的形状，先看这些。",
    ),
    (
        "verdict.plateau",
        "plateau（{count} 项：{names}）：先增长，后来停住了。通常是缓存或对象池填满到它的容量，不是泄漏。",
    ),
    (
        "verdict.new",
        "new（{count} 项：{names}）：第一个快照里没有，最后一个里出现了。留意它在之后的快照中是否继续增长。",
    ),
    (
        "verdict.churn",
        "churn（{count} 项：{names}）：忽高忽低，没有稳定的趋势；是分配后又被释放的内存。",
    ),
    (
        "verdict.shrinking",
        "shrinking（{count} 项：{names}）：一直在下降，从未上升。",
    ),
    (
        "verdict.gone",
        "gone（{count} 项：{names}）：第一个快照里有，最后一个里没有了。",
    ),
    (
        "verdict.flat",
        "flat（{count} 项：{names}）：始终在很窄的范围内波动。",
    ),
    ("growth.none", "快照之间没有任何条目发生变化。"),
    (
        "snapshots.intro",
        "这个序列有 {count} 个快照，按时间从早到晚排列；标有 * 的是报告所使用的那个（用 use K 切换）。{type} 从 {first} 变为 {last}。",
    ),
    (
        "hint.literal",
        "提示：( ) * . [ 和 + 在正则表达式中有特殊含义；要按原样匹配这个名字，请输入：{line}",
    ),
    (
        "hint.literal_offer",
        "提示：( ) * . [ 和 + 在正则表达式中有特殊含义；按原样匹配应写作 {line}（已填在提示符后：按回车运行）",
    ),
    (
        "hint.empty",
        "提示：这里的 {type} 是空的，但 {other} 里有 {total}：输入 {other} 查看",
    ),
    ("hint.did_you_mean", "你是不是想输入 {line}？"),
    (
        "hint.source",
        "提示：这台机器上没有 {file}：用 source_path=DIR 指向你的源码目录（多个目录用 DIR1:DIR2），用 trim_path=PREFIX 去掉构建机器上的路径前缀",
    ),
    (
        "hint.negative",
        "提示：负值表示减少：本 profile 减去基准；输入 explain 了解更多",
    ),
    (
        "tour.intro",
        "欢迎来到 rpprof 导览。一个 Go 服务器的内存无限增长；我们从它的 /debug/pprof/heap 每隔几秒采集了五个堆快照，这里作为一个序列载入（报告默认针对最新的快照）。我们按照文章里的方法来追查泄漏：提出问题，形成假设，用 profile 验证。输入每一步给出的命令（或你自己的等价写法）；skip、back 和 quit 用来跳过、返回和退出。",
    ),
    ("tour.step", "第 {n} 步，共 {count} 步：{question}"),
    ("tour.type", "输入 {command}：{why}"),
    (
        "tour.hint",
        "命令已经运行，但这一步要的是 {command}。{why}也可以输入 skip、back 或 quit。",
    ),
    (
        "tour.controls",
        "输入这一步给出的命令。skip 跳到下一步，back 回到上一步，quit 退出导览。",
    ),
    (
        "tour.done",
        "这就是完整的追查过程：top 找到了内存，top -cum 和 peek 找到了申请内存的代码，list 找到了那一行，alloc_space 排除了频繁分配，diff 和 growth 证明它一直在增长。修复的办法是不再向全局切片追加数据（或者限制它的大小）。可以继续探索这些快照，或者用 rpprof FILE 打开你自己的 profile。",
    ),
    ("tour.back", "回到你的 profile。"),
    ("tour.top.question", "现在内存都在哪里？"),
    (
        "tour.top.hypothesis",
        "假设：有东西让内存一直存活，所以正在使用的最大分配会指向它。",
    ),
    ("tour.top.why", "top 按函数占用的内存排序。"),
    (
        "tour.top.lesson",
        "一个函数几乎占了全部。但 bytes.Repeat 是库函数：它是替调用它的代码分配内存的。",
    ),
    ("tour.cum.question", "是我们的哪个函数申请了这些内存？"),
    (
        "tour.cum.hypothesis",
        "假设：服务器的某个函数出现在所有这些分配的调用栈上，所以它的 cum 和 bytes.Repeat 的 flat 一样大。",
    ),
    (
        "tour.cum.why",
        "-cum 按 cum 排序，cum 把函数和它调用的一切都算在内。",
    ),
    (
        "tour.cum.lesson",
        "服务器的 main.(*RequestTracker).Track 按 cum 排在前面，就在调用所有处理函数的 HTTP 框架代码下方：它就是嫌疑对象。",
    ),
    ("tour.list.question", "Track 的哪一行在分配内存？"),
    (
        "tour.list.hypothesis",
        "假设：Track 里有一行调用了 bytes.Repeat 并保存了结果。list 显示源码以及每一行的 flat 和 cum。它的参数是正则表达式，其中 ( ) * 和 . 有特殊含义：list (*RequestTracker).Track 会报错，要用 \\ 转义（list Track 也可以）。",
    ),
    (
        "tour.list.why",
        "list 打印匹配函数的源码，并给出每一行的数值。",
    ),
    (
        "tour.list.lesson",
        "第 28 行每处理一个请求就向 t.data 追加一个新的 10 kB 切片，而且从不删除：t.data 和 tracker 一样长寿，这些内存永远无法释放。这就是泄漏。",
    ),
    ("tour.peek.question", "bytes.Repeat 只被 Track 调用吗？"),
    (
        "tour.peek.hypothesis",
        "假设：如果 bytes.Repeat 的每个字节都经由 Track，那么修好 Track 就修好了泄漏。",
    ),
    (
        "tour.peek.why",
        "peek 在函数上方显示它的调用者，下方显示它调用的函数。",
    ),
    (
        "tour.peek.lesson",
        "bytes.Repeat 的内存全部来自 Track：只有一处泄漏，而不是好几处。",
    ),
    ("tour.alloc.question", "这是内存被保留，还是只是频繁分配？"),
    (
        "tour.alloc.hypothesis",
        "假设：泄漏会留下它分配的内存，所以正在使用的内存接近分配过的全部；频繁分配则会分配得远比留下的多。",
    ),
    (
        "tour.alloc.why",
        "alloc_space 统计启动以来分配过的每一个字节，不论是否已释放。",
    ),
    (
        "tour.alloc.lesson",
        "alloc_space，即启动以来分配过的全部，是 {alloc}；inuse_space，即仍被占用的，是 {inuse}：其中 {share} 仍在使用。内存被留住了，而不是分配后释放，这正是泄漏的样子。导览在接下来的步骤中切换回 inuse_space。",
    ),
    ("tour.diff.question", "从第一个快照到最后一个，什么增长了？"),
    (
        "tour.diff.hypothesis",
        "假设：泄漏随时间增长，所以用最后一个快照减去第一个，泄漏会显示为增长，其余部分互相抵消。",
    ),
    (
        "tour.diff.why",
        "diff 1 5 以快照 1 为基准报告快照 5，相当于 go tool pprof -base heap_1 heap_5。",
    ),
    (
        "tour.diff.lesson",
        "几乎所有的增长都是 Track 下面的 bytes.Repeat：服务器的其余部分大小不变。",
    ),
    ("tour.growth.question", "它是否在每个快照之间都稳定增长？"),
    (
        "tour.growth.hypothesis",
        "假设：泄漏在每个快照都上升，缓存则填满后停止；两个快照分不清它们，五个可以。",
    ),
    (
        "tour.growth.why",
        "growth 按整个序列上的增长量给函数排序，并给出判断。",
    ),
    (
        "tour.growth.lesson",
        "bytes.Repeat 和 Track 在每一步都在增长：泄漏得到确认，代码位置也找到了。",
    ),
];
