#!/usr/bin/env python3
"""Renders a GNU Mailman 2.1 ("pipermail") archive from its own templates.

Usage: render_archive.py TEMPLATES_DIR SPEC.json OUT_DIR
       render_archive.py TEMPLATES_DIR --generate LIST YYYY-Month COUNT OUT_DIR

SPEC.json: {"list": "product-wg", "listname": "Product-wg", "months": [{"label": "2015-August",
  "messages": [{"number": "000100", "subject": "...", "author": "...", "email": "x at y",
  "date": "Tue Aug 11 22:08:35 UTC 2015", "msgid": "<...>", "depth": 0, "body": "..."}]}]}
Messages are listed in thread order (depth = nesting level as thread.html shows it). The
templates are GNU Mailman's (GPL-2.0+); the text around them is made up or cited in the
fixtures README.
"""
import gzip, html, json, os, random, re, sys, urllib.parse

def tpl(d, name):
    with open(os.path.join(d, name), encoding="utf-8") as f:
        return f.read()

def fill(t, **kw):
    return re.sub(r"%\((\w+)\)([si])", lambda m: str(kw.get(m.group(1), "")), t)

URL = re.compile(r"(https?://[^\s<>\"]+)")

def body_html(text):
    esc = html.escape(text, quote=False)
    return "<PRE>" + URL.sub(lambda m: '<A HREF="%s">%s</A>' % (m.group(1), m.group(1)), esc) + "\n</PRE>"

def render(templates, spec, out):
    lst, listname = spec["list"], spec.get("listname", spec["list"])
    listinfo = "http://lists.openstack.org/cgi-bin/mailman/listinfo/" + lst
    os.makedirs(out, exist_ok=True)
    rows = []
    for month in reversed(spec["months"]):
        label = month["label"]
        rows.append(fill(tpl(templates, "archtocentry.html"), archivelabel=label.replace("-", " ").split(" ")[1] + " " + label[:4], archive=label,
                         textlink='<td><A href="%s.txt.gz">[ Gzip\'d Text %d KB ]</a></td>' % (label, 1 + len(month["messages"]) // 2)))
    toc = fill(tpl(templates, "archtoc.html"), listname=listname, listinfo=listinfo, fullarch="../../private/%s.mbox/%s.mbox" % (lst, lst),
               size="%d KB" % 12, meta="", noarchive_msg="", archive_listing_start=tpl(templates, "archliststart.html"),
               archive_listing="".join(rows), archive_listing_end=tpl(templates, "archlistend.html"))
    open(os.path.join(out, "index.html"), "w", encoding="utf-8").write(toc)
    for month in spec["months"]:
        render_month(templates, lst, listname, listinfo, month, out)

def render_month(templates, lst, listname, listinfo, month, out):
    label, msgs = month["label"], month["messages"]
    d = os.path.join(out, label)
    os.makedirs(d, exist_ok=True)
    enc = '<META http-equiv="Content-Type" content="text/html; charset=us-ascii">'
    for i, m in enumerate(msgs):
        prev = msgs[i - 1] if i > 0 else None
        nxt = msgs[i + 1] if i + 1 < len(msgs) else None
        subj = m["subject"]
        page = fill(tpl(templates, "article.html"), title=html.escape(subj), email_url=urllib.parse.quote(lst + "@lists.openstack.org"),
                    subject_url=urllib.parse.quote(subj), in_reply_to_url=urllib.parse.quote(m.get("msgid", "")), encoding=enc,
                    prev='<LINK REL="Previous"  HREF="%s.html">' % prev["number"] if prev else "",
                    next='<LINK REL="Next"  HREF="%s.html">' % nxt["number"] if nxt else "",
                    subject_html=html.escape(subj), author_html=html.escape(m["author"]), email_html=html.escape(m["email"]),
                    datestr_html=m.get("date", ""), sequence=int(m["number"]),
                    prev_wsubj='<LI>Previous message: <A HREF="%s.html">%s\n</A></li>' % (prev["number"], html.escape(prev["subject"])) if prev else "",
                    next_wsubj='<LI>Next message: <A HREF="%s.html">%s\n</A></li>' % (nxt["number"], html.escape(nxt["subject"])) if nxt else "",
                    body=body_html(m["body"]), listurl=listinfo, listname=listname)
        open(os.path.join(d, m["number"] + ".html"), "w", encoding="utf-8").write(page)
    for kind, ordered in (("thread", msgs), ("date", sorted(msgs, key=lambda m: m["number"]))):
        refs = {k: '<a href="%s.html#start">[ %s ]</a>' % (k, k) for k in ("thread", "subject", "author", "date")}
        head = fill(tpl(templates, "archidxhead.html"), listname=listname, archive=label, archtype=kind, encoding=enc,
                    thread_ref=refs["thread"], subject_ref=refs["subject"], author_ref=refs["author"], date_ref=refs["date"],
                    listinfo=listinfo, firstdate=ordered[0].get("date", "") if ordered else "", lastdate=ordered[-1].get("date", "") if ordered else "",
                    size=len(ordered))
        body, depth = [], 0
        for m in ordered:
            dd = m.get("depth", 0) if kind == "thread" else 0
            while depth < dd:
                body.append("<UL>"); depth += 1
            while depth > dd:
                body.append("</UL>"); depth -= 1
            if kind == "thread":
                body.append("<!--%d 0%s.%s- -->" % (dd, m["number"], m["number"]))
            body.append(fill(tpl(templates, "archidxentry.html"), filename=m["number"] + ".html", subject=html.escape(m["subject"]),
                             sequence=int(m["number"]), author=html.escape(m["author"])))
        while depth > 0:
            body.append("</UL>"); depth -= 1
        foot = fill(tpl(templates, "archidxfoot.html"), lastdate="", archivedate="Mon Nov 23 10:00:00 UTC 2026",
                    thread_ref=refs["thread"], subject_ref=refs["subject"], author_ref=refs["author"], date_ref=refs["date"],
                    listinfo=listinfo, version="0.09 (Mailman edition)")
        open(os.path.join(d, kind + ".html"), "w", encoding="utf-8").write(head + "\n".join(body) + foot)
    # the month's text archive, in number (arrival) order
    txt = []
    for m in sorted(msgs, key=lambda m: m["number"]):
        user, _, dom = m["email"].partition(" at ")
        ctime = m.get("date", "Thu Jan  1 00:00:00 UTC 1970").replace(" UTC", "")
        txt.append("From %s  %s\nFrom: %s (%s)\nDate: %s\nSubject: %s\n%sMessage-ID: %s\n\n%s\n\n" % (
            m["email"], ctime, m["email"], m["author"], m.get("rfcdate", m.get("date", "")), m["subject"],
            ("In-Reply-To: %s\n" % m["inreplyto"]) if m.get("inreplyto") else "", m.get("msgid", ""), m["body"]))
    with gzip.open(os.path.join(out, label + ".txt.gz"), "wt", encoding="utf-8") as f:
        f.write("".join(txt))

WORDS = ("nova cells scheduler placement upgrade spec blueprint review gate neutron keystone quota "
         "migration api microversion resource tracker image volume ironic compute flavor policy").split()

def generate(lst, label, count, seed=42):
    rnd = random.Random(seed)
    msgs, number, threads = [], 100000, []
    mon = label.split("-")[1][:3]
    year = label[:4]
    while len(msgs) < count:
        topic = " ".join(rnd.choice(WORDS) for _ in range(4))
        size = min(count - len(msgs), rnd.randint(1, 8))
        for k in range(size):
            number += 1
            day = 1 + (number % 28)
            subject = ("Re: " if k else "") + "[%s] [nova] %s" % (lst, topic)
            body_lines = ["Line %d about %s." % (j, " ".join(rnd.choice(WORDS) for _ in range(8))) for j in range(rnd.randint(5, 40))]
            if k:
                body_lines = ["On %s %d, someone wrote:" % (mon, day), "> quoted " + topic] + body_lines
            if rnd.random() < 0.2:
                body_lines.append("See https://bugs.launchpad.net/nova/+bug/%d and https://review.opendev.org/%d" % (1500000 + number, 600000 + number))
            msgs.append({"number": "%06d" % number, "subject": subject, "author": "Dev %d" % rnd.randint(1, 300),
                         "email": "dev%d at example.org" % rnd.randint(1, 300),
                         "date": "Mon %s %2d %02d:%02d:%02d UTC %s" % (mon, day, number % 24, number % 60, (number * 7) % 60, year),
                         "msgid": "<bench-%d@example.org>" % number, "depth": min(k, 3), "body": "\n".join(body_lines)})
    return {"list": lst, "listname": lst.capitalize(), "months": [{"label": label, "messages": msgs}]}

if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[2] == "--generate":
        templates, lst, label, count, out = sys.argv[1], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
        render(templates, generate(lst, label, count), out)
    else:
        templates, spec, out = sys.argv[1:4]
        render(templates, json.load(open(spec, encoding="utf-8")), out)
