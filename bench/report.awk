# report.awk - turns the logs of bench/run.sh into bench/results/latest.md
# (a Markdown table) and latest.svg (a bar chart of the ratios).
#
# Input files, in order, each selected by an assignment before it:
#   kernel=list LIST       output of "mbench -l": the benchmarks, in order
#   kernel=linux LOG ...   one log per Linux boot
#   kernel=mos LOG ...     one log per M-OS boot
# Every log line is "EPOCH TEXT": the host time the line arrived, then
# the line; the first line is "EPOCH # start", when QEMU was started.
# Only TEXT lines starting "bench ", "info " and "mbench " are read, so
# kernel messages in between do no harm.
#
# Variables (-v): md, svg (output files), tsc_hz (host TSC ticks per
# second), title_note (Markdown lines for the header, newline separated),
# linux_note, mos_note (why a kernel printed nothing, if it did not).
#
# Per benchmark and kernel: the median over boots of the per-boot figure
# (which mbench already took as the median of its timed batches), and the
# spread (max - min) / 2 as a percentage of it.  Ratio = M-OS / Linux.
# The baselines do no system calls, so their ratio shows how fast the
# emulator ran during the M-OS half compared with the Linux half; the
# normalised ratio divides that out (geometric mean over the baselines).

function isnum(s) { return s ~ /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }

function median(key, n,    i, j, t, v) {
    for (i = 0; i < n; i++) v[i] = vals[key, i] + 0
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
            t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
        }
    lo_v = v[0]; hi_v = v[n - 1]
    if (n % 2) return v[(n - 1) / 2]
    return (v[n / 2 - 1] + v[n / 2]) / 2
}

function fmt(x) {
    if (x >= 1000) return sprintf("%.0f", x)
    if (x >= 10) return sprintf("%.1f", x)
    return sprintf("%.2f", x)
}

# One table cell for kernel k, benchmark b; sets med[k, b] when numeric.
function cell(k, b,    key, n, m, s, out) {
    key = k SUBSEP b
    n = nvals[key] + 0
    if (n > 0) {
        m = median(key, n)
        med[key] = m
        out = fmt(m)
        if (n > 1 && m > 0) {
            s = (hi_v - lo_v) / 2 / m * 100
            out = out sprintf(" ±%.0f%%", s)
        }
        if (nbad[key] > 0)
            out = out sprintf(" (%d of %d boots: %s)", nbad[key],
                              nbad[key] + n, status[key])
        return out
    }
    if (key in status) return status[key]
    if (!anybench[k]) return "unsupported"
    return "no result (mbench stopped before it)"
}

function xml(s) {
    gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
    return s
}

BEGIN {
    note["linux"] = linux_note != "" ? linux_note : "no output"
    note["mos"] = mos_note != "" ? mos_note : "no output"
    kname["linux"] = "Linux"; kname["mos"] = "M-OS"
}

FNR == 1 && kernel != "list" {
    run = ++nruns[kernel]
    start[kernel, run] = $1
}

kernel == "list" && $1 == "list" {
    order[++nbench] = $2; unit[$2] = $3; kind[$2] = $4
    next
}

kernel == "list" { next }

{
    sub(/\r$/, "")
    t = $1
    $1 = ""
    sub(/^ /, "")
}

$1 == "bench" && NF >= 3 {
    key = kernel SUBSEP $2
    anybench[kernel] = 1
    if (isnum($3)) {
        vals[key, nvals[key]++] = $3
    } else {
        nbad[key]++
        if (!(key in status)) {
            s = $0
            sub(/^bench [^ ]+ /, "", s)
            status[key] = s
        }
    }
    next
}

$1 == "info" && $2 == "first_tsc" && !((kernel, run) in boot_tsc) {
    boot_tsc[kernel, run] = $3
    boot_wall[kernel, run] = t - start[kernel, run]
    next
}

$1 == "info" && $2 == "kernel" { kver[kernel] = $3 " " $4; next }

END {
    hdr = "| benchmark | unit | Linux median | M-OS median | M-OS/Linux |" \
          " normalised |"
    print "# M-OS vs Linux: micro-benchmarks" > md
    print "" > md
    n = split(title_note, lines, "\n")
    for (i = 1; i <= n; i++) print lines[i] > md
    print "" > md
    print hdr > md
    print "|---|---|--:|--:|--:|--:|" > md

    # The baselines first: they give the emulator speed factor.
    logsum = 0; nbase = 0
    for (i = 1; i <= nbench; i++) {
        b = order[i]
        lc[b] = cell("linux", b); mc[b] = cell("mos", b)
        if (kind[b] == "baseline" && ("linux", b) in med && \
            ("mos", b) in med && med["linux", b] > 0 && med["mos", b] > 0) {
            logsum += log(med["mos", b] / med["linux", b]); nbase++
        }
    }
    speed = nbase > 0 ? exp(logsum / nbase) : 0
    for (i = 1; i <= nbench; i++) {
        b = order[i]
        ratio[b] = ""
        r = "—"; rn = "—"
        if (("linux", b) in med && ("mos", b) in med && med["linux", b] > 0) {
            ratio[b] = med["mos", b] / med["linux", b]
            r = sprintf("%.2f", ratio[b])
            if (speed > 0 && kind[b] != "baseline")
                rn = sprintf("%.2f", ratio[b] / speed)
        }
        label = kind[b] == "baseline" ? b " (baseline)" : b
        printf "| %s | %s | %s | %s | %s | %s |\n", label, unit[b], lc[b],
               mc[b], r, rn > md
    }
    print "" > md
    unames = ""
    for (k in kname)
        if (k in kver)
            unames = unames (unames == "" ? "" : "; ") kname[k] ": " kver[k]
    if (unames != "")
        print "uname of each kernel as mbench saw it: " unames ".\n" > md
    for (k in kname)
        if (!anybench[k])
            printf "%s printed no benchmark line, so every %s figure is " \
                   "`unsupported`: %s.\n\n", kname[k], kname[k], note[k] > md
    if (speed > 0)
        printf "Emulator speed factor (M-OS half / Linux half, geometric " \
               "mean of the baselines): %.3f. The normalised column is the " \
               "ratio divided by it.\n\n", speed > md
    else
        print "Emulator speed factor: not available (M-OS ran no baseline)," \
              " so no ratio can be normalised.\n" > md

    # Start-up: QEMU start to the first user program's main().
    print "| start-up | Linux | M-OS | M-OS/Linux |" > md
    print "|---|--:|--:|--:|" > md
    for (pass = 1; pass <= 2; pass++) {
        for (k in kname) {
            cnt = 0
            for (r2 = 1; r2 <= nruns[k]; r2++)
                if ((k, r2) in boot_tsc) {
                    v2 = pass == 1 ? boot_tsc[k, r2] / tsc_hz : boot_wall[k, r2]
                    vals["boot" pass k, cnt++] = v2
                }
            bootmed[pass, k] = cnt > 0 ? median("boot" pass k, cnt) : -1
        }
        what = pass == 1 ? "VM start to first user instruction (guest TSC)" \
                         : "QEMU launch to that line on the host (wall clock)"
        lcell = bootmed[pass, "linux"] >= 0 ? \
                sprintf("%.2f s", bootmed[pass, "linux"]) : "no user program ran"
        mcell = bootmed[pass, "mos"] >= 0 ? \
                sprintf("%.2f s", bootmed[pass, "mos"]) : "no user program ran"
        br = bootmed[pass, "linux"] > 0 && bootmed[pass, "mos"] >= 0 ? \
             sprintf("%.2f", bootmed[pass, "mos"] / bootmed[pass, "linux"]) : "—"
        printf "| %s | %s | %s | %s |\n", what, lcell, mcell, br > md
    }
    close(md)

    # The chart: one horizontal bar per benchmark, log2 scale around 1.
    span = 2
    for (i = 1; i <= nbench; i++) {
        b = order[i]
        if (ratio[b] != "" && ratio[b] > 0) {
            l2 = log(ratio[b]) / log(2)
            if (l2 < 0) l2 = -l2
            while (span < l2 && span < 10) span += 2
        }
    }
    left = 190; width = 520; top = 50; row = 22
    height = top + nbench * row + 50
    mid = left + width / 2
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" " \
           "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n",
           left + width + 110, height > svg
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" > svg
    printf "<text x=\"10\" y=\"20\" font-size=\"15\">M-OS / Linux, ticks " \
           "per operation (left of 1: M-OS faster)</text>\n" > svg
    for (e = -span; e <= span; e += (span > 4 ? 2 : 1)) {
        x = mid + e / span * width / 2
        label2 = e >= 0 ? sprintf("%d", 2 ^ e) : sprintf("1/%d", 2 ^ -e)
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" " \
               "stroke=\"%s\"/>\n", x, top - 5, x, top + nbench * row,
               e == 0 ? "black" : "#ddd" > svg
        printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
               x, top + nbench * row + 15, label2 > svg
    }
    for (i = 1; i <= nbench; i++) {
        b = order[i]
        y = top + (i - 1) * row
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
               left - 8, y + 15, xml(b) > svg
        if (ratio[b] == "" || ratio[b] <= 0) {
            printf "<text x=\"%.1f\" y=\"%d\" fill=\"#888\">%s</text>\n",
                   mid + 6, y + 15, \
                   ("mos", b) in med ? "no Linux figure" : "unsupported" > svg
            continue
        }
        l2 = log(ratio[b]) / log(2)
        if (l2 > span) l2 = span
        if (l2 < -span) l2 = -span
        x = mid + l2 / span * width / 2
        x0 = x < mid ? x : mid
        w = x < mid ? mid - x : x - mid
        colour = kind[b] == "baseline" ? "#999" : (l2 > 0 ? "#c44" : "#4a4")
        printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" " \
               "fill=\"%s\"/>\n", x0, y + 3, w < 1 ? 1 : w, row - 6,
               colour > svg
        printf "<text x=\"%.1f\" y=\"%d\">%.2f</text>\n",
               left + width + 6, y + 15, ratio[b] > svg
    }
    printf "<text x=\"10\" y=\"%d\" fill=\"#555\">%s</text>\n", height - 10,
           xml("grey: OS-independent baselines; red: M-OS slower; " \
               "green: M-OS faster") > svg
    print "</svg>" > svg
    close(svg)
}
