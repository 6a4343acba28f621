import { useEffect, useState, type FormEvent } from "react";
import { AUDIT_INFERENCES, AUDIT_TRAINING_RUNS, type AuditInferenceRow, type AuditInferencesData, type AuditTrainingRunsData, type TrainingRunRow } from "../api/queries";
import { InferenceTable } from "../components/InferenceTable";
import { PagedView, usePaged } from "../components/Pager";
import { Section } from "../components/States";
import { RULES } from "../lib/format";
import { Link, navigate } from "../router";
import { urls } from "../urls";
import { TrainingRunTable } from "./Model";

interface Props {
  tab: "inferences" | "runs";
  rule: string;
  model: string;
  datanet: string;
}

const idOrNull = (s: string) => (/^\d{1,78}$/.test(s) ? s : null);

export function AuditPage({ tab, rule, model, datanet }: Props) {
  const validRule = rule in RULES ? rule : "";
  const [m, setM] = useState(model);
  const [d, setD] = useState(datanet);
  useEffect(() => { setM(model); setD(datanet); }, [model, datanet]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    navigate(urls.audit({ tab: tab === "runs" ? "runs" : undefined, rule: validRule, model: m.trim(), datanet: d.trim() }));
  };
  const badInput = (model && !idOrNull(model)) || (datanet && !idOrNull(datanet));
  return (
    <div className="page">
      <div className="page-head"><h1>Audit</h1></div>
      <p className="muted">
        Every inference that breaks a rule of the protocol, and every training run whose claimed contribution set does not match what the indexer recomputed.
      </p>
      <div className="seg tabs">
        <Link to={urls.audit({ rule: validRule, model, datanet })} className={tab === "inferences" ? "on" : undefined}>Flagged inferences</Link>
        <Link to={urls.audit({ tab: "runs", model })} className={tab === "runs" ? "on" : undefined}>Unverified training runs</Link>
      </div>
      <form className="filters" onSubmit={apply}>
        {tab === "inferences" ? (
          <label>Rule
            <select value={validRule} onChange={(e) => navigate(urls.audit({ rule: e.target.value, model, datanet }))}>
              <option value="">Any rule</option>
              {Object.entries(RULES).map(([code, t]) => <option key={code} value={code}>{t.title}</option>)}
            </select>
          </label>
        ) : null}
        <label>Model id<input value={m} onChange={(e) => setM(e.target.value)} inputMode="numeric" placeholder="any" size={8} /></label>
        {tab === "inferences" ? <label>Datanet id<input value={d} onChange={(e) => setD(e.target.value)} inputMode="numeric" placeholder="any" size={8} /></label> : null}
        <button type="submit">Filter</button>
        {(validRule || model || datanet) ? <Link to={urls.audit({ tab: tab === "runs" ? "runs" : undefined })}>Clear</Link> : null}
      </form>
      {badInput ? <div className="state error" role="alert">Model and datanet filters take a numeric id.</div>
        : tab === "inferences" ? <FlaggedInferences rule={validRule} model={model} datanet={datanet} /> : <UnverifiedRuns model={model} />}
    </div>
  );
}

function FlaggedInferences({ rule, model, datanet }: { rule: string; model: string; datanet: string }) {
  const p = usePaged<AuditInferencesData, AuditInferenceRow>(AUDIT_INFERENCES, { rule: rule || null, modelId: idOrNull(model), datanetId: idOrNull(datanet) }, (x) => x.auditInferences);
  return (
    <Section title={`Flagged inferences${p.loaded ? ` (${p.total})` : ""}`}>
      <PagedView p={p} empty="No flagged inference matches these filters.">
        {(items) => <InferenceTable rows={items} showRules />}
      </PagedView>
    </Section>
  );
}

function UnverifiedRuns({ model }: { model: string }) {
  const p = usePaged<AuditTrainingRunsData, TrainingRunRow>(AUDIT_TRAINING_RUNS, { modelId: idOrNull(model) }, (x) => x.auditTrainingRuns);
  return (
    <Section title={`Unverified training runs${p.loaded ? ` (${p.total})` : ""}`}>
      <PagedView p={p} empty="Every training run matching these filters is verified.">
        {(items) => <TrainingRunTable runs={items} showModel />}
      </PagedView>
    </Section>
  );
}
