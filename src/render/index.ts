export { renderDiffHtml } from './diffHtml';
export { renderDiffMarkdown, type DiffMarkdownOptions } from './diffMarkdown';
export { renderDiffText, type DiffTextOptions } from './diffText';
export { diffHeadline } from './diffHeadline';
export {
  escapeHtml,
  escapeMarkdownCell,
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatCountDelta,
  formatGroupChain,
  formatLeakedObjectLabel,
  formatLocation,
  formatNodeLabel,
  formatPathFrom,
  formatPercent,
  formatRetainerPath,
  markdownCode,
  printable,
  type RetainerPathOptions,
} from './format';
export { createNonce, type HtmlRenderOptions } from './htmlDocument';
export { renderOverviewHtml } from './overviewHtml';
export { renderOverviewMarkdown, type OverviewMarkdownOptions } from './overviewMarkdown';
export { renderOverviewText, type OverviewTextOptions } from './overviewText';
