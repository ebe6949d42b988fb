# Medians and ratios of side_by_side.sh output: python3 benches/issue15/summarise.py OUTPUT
import sys,re,statistics as st,collections
v=collections.defaultdict(list);w=collections.defaultdict(list)
for l in open(sys.argv[1]):
    m=re.match(r'(\S+) task-clock ([\d.]+) ms wall ([\d.]+) ms',l)
    if m: v[m.group(1)].append(float(m.group(2))); w[m.group(1)].append(float(m.group(3)))
for k in sorted(v): print(f"{k:12s} n={len(v[k]):2d} task-clock median {st.median(v[k]):9.1f} ms  wall median {st.median(w[k]):9.1f} ms")
for p in ['tri','cap','trace']:
    if p+'-aec' in v and p+'-main' in v:
        print(p,'main/aec414c task-clock %.3f'%(st.median(v[p+'-main'])/st.median(v[p+'-aec'])), ('main/grep wall %.2f'%(st.median(w[p+'-main'])/st.median(w[p+'-grep'])) if p+'-grep' in w else ''))
