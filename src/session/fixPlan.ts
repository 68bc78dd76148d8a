import type { Finding } from '../analysis/types';
import { editsConflict, manifestFor, type CodeFix, type FixDiagnostic, type MatchReason, type TextEdit } from '../fixes';
import type { LeakReport } from '../report/leakReport';
import { codeSources, matchFinding } from './findingMatch';

/** One diagnostic chosen for a finding, with the fix that `--write` applies. */
export interface PlannedFix {
  file: string;
  diagnostic: FixDiagnostic;
  fix?: CodeFix;
  reason: MatchReason;
  /** Index (in `FixPlan.findings`) of an earlier finding that already applies this same fix. */
  sameAs?: number;
  /** Its edits overlap another fix's in the same file, so only the earlier one is applied. */
  conflict?: boolean;
}

export interface FindingPlan {
  finding: Finding;
  /** Where the finding's source location points, resolved to a local file, when it does. */
  location?: { file: string; line: number; column: number };
  /** Why no fix: no rule for this kind of finding, the file is missing, or no rule matched in it. */
  unfixed?: string;
  fixes: PlannedFix[];
}

export interface FixPlan {
  findings: FindingPlan[];
  /** The merged edits per file, against the file's current text. */
  edits: Map<string, TextEdit[]>;
  texts: Map<string, string>;
  /** Packages the fixes import, per file that imports them. */
  dependencies: Map<string, Record<string, string>>;
  /** The package.json (inside the root) that takes each file's dependencies, when there is one. */
  manifests: Map<string, string>;
}

/**
 * Matches each finding of a report to the code (`matchFinding`) and merges the edits of their
 * fixes per file: a fix two findings share is planned once, and one whose edits overlap an
 * earlier fix's in the same file is left for a later run. Every file it reads, and every
 * package.json a fix would add to, must be inside `root` by real path (a report may come from a
 * pull request); one outside is refused with a LeakscopeError. Files are keyed by real path, so a
 * symlink's target is what gets edited.
 */
export function planFixes(report: LeakReport, root: string): FixPlan {
  const texts = new Map<string, string>();
  const sources = codeSources(root, report.target.command, { texts });
  const plan: FixPlan = { findings: [], edits: new Map(), texts, dependencies: new Map(), manifests: new Map() };
  const taken = new Map<string, number>();
  report.findings.forEach((finding, index) => {
    const entry: FindingPlan = { finding, fixes: [] };
    plan.findings.push(entry);
    const match = matchFinding(finding, sources);
    entry.location = match.location;
    if (match.unfixed !== undefined) entry.unfixed = match.unfixed;
    for (const { file, diagnostic, fix, reason } of match.matches) {
      const key = `${file}\0${diagnostic.ruleId}\0${diagnostic.start}`;
      const planned: PlannedFix = { file, diagnostic, fix, reason };
      if (fix?.dependencies && Object.keys(fix.dependencies).length > 0 && !plan.manifests.has(file)) {
        const manifest = manifestFor(file, root);
        if (manifest) plan.manifests.set(file, manifest);
      }
      if (taken.has(key)) planned.sameAs = taken.get(key);
      else if (fix) {
        taken.set(key, index);
        const edits = plan.edits.get(file) ?? [];
        if (editsConflict([...edits, ...fix.edits])) planned.conflict = true;
        else {
          plan.edits.set(file, [...edits, ...fix.edits]);
          if (fix.dependencies) plan.dependencies.set(file, { ...plan.dependencies.get(file), ...fix.dependencies });
        }
      }
      entry.fixes.push(planned);
    }
  });
  return plan;
}
