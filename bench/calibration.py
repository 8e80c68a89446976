#!/usr/bin/env python3
"""Calibration of impostor's account risk scores against a world's truth.

calibration.py TRUTH_JSON(.gz) FINDINGS_JSONL [--json]

An account's score is the highest OCSF risk_score (0-100) of the risk findings
that name it as their entity; accounts with none scored below the scan's
--min-risk and count as 0. Prints the share of fraud among accounts scored 90 or
more, and the expected calibration error (ECE) over ten equal-width bins of
score/100, over the telemetry accounts of the truth.
"""
import gzip, json, sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    if len(args) != 2:
        sys.exit(__doc__)
    opener = gzip.open if args[0].endswith('.gz') else open
    with opener(args[0], 'rt') as f:
        truth = json.load(f)['accounts']
    labels = {a.lower(): t['label'] == 'fraud' for a, t in truth.items() if t.get('telemetry', True)}
    score = {a: 0.0 for a in labels}
    with open(args[1]) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            x = json.loads(line)
            r = x.get('risk_score')
            name = (x.get('finding_info') or {}).get('analytic', {}).get('name', '')
            if r is None or name != 'risk.account':
                continue
            for res in x.get('resources') or []:
                a = str(res.get('uid', '')).lower()
                if a in score:
                    score[a] = max(score[a], float(r))
    high = [a for a, s in score.items() if s >= 90]
    share = sum(labels[a] for a in high) / len(high) if high else float('nan')
    bins = [[0, 0.0, 0] for _ in range(10)]  # accounts, sum of p, frauds
    for a, s in score.items():
        p = s / 100.0
        b = bins[min(int(p * 10), 9)]
        b[0] += 1
        b[1] += p
        b[2] += labels[a]
    n = len(score)
    ece = sum(abs(b[1] / b[0] - b[2] / b[0]) * b[0] / n for b in bins if b[0])
    out = {'accounts': n, 'scored_90_plus': len(high), 'fraud_share_90_plus': share, 'ece': ece}
    if '--json' in sys.argv:
        print(json.dumps(out))
    else:
        print(f"calibration: {len(high)} accounts scored >= 90, {share:.3f} of them fraud; "
              f"expected calibration error {ece:.4f} over {n} telemetry accounts")


if __name__ == '__main__':
    main()
