import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Colours shared by every dashboard so a level or decision looks the same everywhere. */
export const LEVEL_COLORS = { low: 'green', medium: 'yellow', high: 'orange', critical: 'red' } as const;
export const DECISION_COLORS = { allow: 'green', step_up: 'orange', deny: 'red' } as const;

/** A field override by field name (applied with the panel builder's overrideByName). */
export interface FieldOverride {
  readonly field: string;
  readonly properties: dashboard.DynamicConfigValue[];
}

/** Value mapping colouring each level (for stat panels showing a level). */
export function levelMapping(): dashboard.ValueMapping {
  return valueMapping(LEVEL_COLORS);
}

/** Value mapping colouring each decision. */
export function decisionMapping(): dashboard.ValueMapping {
  return valueMapping(DECISION_COLORS);
}

function valueMapping(colors: Readonly<Record<string, string>>): dashboard.ValueMapping {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  Object.entries(colors).forEach(([value, color], index) => {
    options[value] = { color, index };
  });
  return { type: dashboard.MappingType.ValueToText, options };
}

/** A table column holding a risk level (low/medium/high/critical), coloured by level. */
export function levelColumn(field: string): FieldOverride {
  return coloredText(field, LEVEL_COLORS);
}

/** A table column holding a decision (allow/step_up/deny), coloured by decision. */
export function decisionColumn(field: string): FieldOverride {
  return coloredText(field, DECISION_COLORS);
}

function coloredText(field: string, colors: Readonly<Record<string, string>>): FieldOverride {
  return {
    field,
    properties: [
      { id: 'mappings', value: [valueMapping(colors)] },
      { id: 'custom.cellOptions', value: { type: 'color-text' } },
    ],
  };
}

/** Score thresholds matching the level bands of the default policy (40 / 70 / 90). */
export const RISK_SCORE_STEPS: dashboard.Threshold[] = [
  { color: 'green', value: null },
  { color: 'yellow', value: 40 },
  { color: 'orange', value: 70 },
  { color: 'red', value: 90 },
];

/** A 0-100 risk score column drawn as a gauge with level thresholds. */
export function scoreColumn(field: string): FieldOverride {
  return {
    field,
    properties: [
      { id: 'min', value: 0 },
      { id: 'max', value: 100 },
      { id: 'decimals', value: 1 },
      { id: 'thresholds', value: { mode: dashboard.ThresholdsMode.Absolute, steps: RISK_SCORE_STEPS } },
      { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic', valueDisplayMode: 'text' } },
    ],
  };
}

/** A column whose cells link somewhere (Grafana data-link syntax in `url`). */
export function linkColumn(field: string, links: readonly { title: string; url: string }[]): FieldOverride {
  return { field, properties: [{ id: 'links', value: links.map((l) => ({ ...l })) }] };
}

/** Fixed colour for a series or field, e.g. the `deny` series in red. */
export function fixedColor(field: string, color: string): FieldOverride {
  return { field, properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }] };
}

/** Per-field unit, for tables mixing counts, bytes and durations. */
export function unitColumn(field: string, unit: string): FieldOverride {
  return { field, properties: [{ id: 'unit', value: unit }] };
}

/** Column width in pixels. */
export function widthColumn(field: string, width: number): FieldOverride {
  return { field, properties: [{ id: 'custom.width', value: width }] };
}

/** uid of the investigation dashboard, the target of every "investigate this session" link. */
export const INVESTIGATION_UID = 'chainwatch-investigation';

/**
 * Opens the investigation dashboard on the session in this cell. The trace variable is left at
 * its default ("All" = the session's own trace), so the delegation graph follows the session.
 */
export function investigateSessionLink(): { title: string; url: string } {
  return {
    title: 'Investigate session ${__value.raw}',
    url: `/d/${INVESTIGATION_UID}/chainwatch-investigation?var-session_id=\${__value.raw:percentencode}&\${__url_time_range}`,
  };
}
