import { IcpDefinition, Region, SizeBand } from './stage-definition';

/** Firmographic facts about a lead; anything may still be unknown. */
export interface LeadProfile {
  industry?: string;
  /** Employee count. */
  companySize?: number;
  /** ISO 3166-1 alpha-2, e.g. 'DE'. */
  country?: string;
  /** Explicit region; wins over the one derived from `country`. */
  region?: Region;
  title?: string;
  buyingRole?: string;
}

export interface FitResult {
  fit: boolean;
  points: number;
  /** One line per signal, matched or not. */
  reasons: string[];
  /** Profile attributes that were unknown ('industry', 'companySize', 'country', 'title'). */
  missing: string[];
  /** Could still fit once the missing attributes are known (always true when `fit`). */
  possible: boolean;
  sizeBand?: string;
  region?: Region;
}

/** Common ISO country codes; an unmapped country leaves the region unknown. */
export const COUNTRY_REGIONS: Readonly<Record<string, Region>> = Object.freeze({
  US: 'NA', CA: 'NA',
  GB: 'EMEA', IE: 'EMEA', DE: 'EMEA', AT: 'EMEA', CH: 'EMEA', FR: 'EMEA', BE: 'EMEA', NL: 'EMEA', LU: 'EMEA',
  ES: 'EMEA', PT: 'EMEA', IT: 'EMEA', SE: 'EMEA', NO: 'EMEA', DK: 'EMEA', FI: 'EMEA', IS: 'EMEA', PL: 'EMEA',
  CZ: 'EMEA', SK: 'EMEA', HU: 'EMEA', RO: 'EMEA', BG: 'EMEA', GR: 'EMEA', HR: 'EMEA', SI: 'EMEA', EE: 'EMEA',
  LV: 'EMEA', LT: 'EMEA', UA: 'EMEA', TR: 'EMEA', IL: 'EMEA', AE: 'EMEA', SA: 'EMEA', QA: 'EMEA', EG: 'EMEA',
  ZA: 'EMEA', NG: 'EMEA', KE: 'EMEA', MA: 'EMEA',
  JP: 'APAC', AU: 'APAC', NZ: 'APAC', SG: 'APAC', IN: 'APAC', CN: 'APAC', HK: 'APAC', KR: 'APAC', TW: 'APAC',
  MY: 'APAC', TH: 'APAC', ID: 'APAC', PH: 'APAC', VN: 'APAC',
  BR: 'LATAM', MX: 'LATAM', AR: 'LATAM', CL: 'LATAM', CO: 'LATAM', PE: 'LATAM', UY: 'LATAM',
});

export function regionOfCountry(country: string | undefined): Region | undefined {
  return country ? COUNTRY_REGIONS[country.trim().toUpperCase()] : undefined;
}

export function sizeBandOf(companySize: number | undefined, bands: readonly SizeBand[]): string | undefined {
  if (companySize === undefined || !Number.isFinite(companySize)) return undefined;
  return bands.find((b) => companySize >= b.min && (b.max === undefined || companySize <= b.max))?.id;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The longest keyword found as a whole word in the title (case-insensitive), e.g. 'vp' in 'VP Sales'. */
export function seniorTitleKeyword(title: string | undefined, keywords: readonly string[]): string | undefined {
  if (!title) return undefined;
  return [...keywords].sort((a, b) => b.length - a.length).find((k) => new RegExp(`(^|[^a-z0-9])${escape(k.toLowerCase())}($|[^a-z0-9])`).test(title.toLowerCase()));
}

const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

/** Fit = points >= icp.minFitPoints and a target region (when the ICP names regions). */
export function evaluateFit(profile: LeadProfile, icp: IcpDefinition): FitResult {
  const reasons: string[] = [];
  const missing: string[] = [];
  let points = 0;
  let open = 0; // points still reachable through missing attributes

  const roleMatch = !blank(profile.buyingRole) && icp.buyerRoles.some((r) => r === profile.buyingRole!.trim().toUpperCase());
  const keyword = seniorTitleKeyword(profile.title, icp.seniorTitleKeywords);
  if (keyword || roleMatch) {
    points += icp.points.seniorTitle;
    reasons.push(
      keyword
        ? `senior title '${profile.title}' (keyword '${keyword}') +${icp.points.seniorTitle}`
        : `buying role ${profile.buyingRole} +${icp.points.seniorTitle}`,
    );
  } else if (blank(profile.title) && blank(profile.buyingRole)) {
    missing.push('title');
    open += icp.points.seniorTitle;
    reasons.push('title and buying role unknown');
  } else {
    reasons.push(`title '${profile.title ?? ''}' / role '${profile.buyingRole ?? ''}' is not a senior buyer`);
  }

  if (blank(profile.industry)) {
    missing.push('industry');
    open += icp.points.industry;
    reasons.push('industry unknown');
  } else if (icp.industries.some((i) => i.trim().toLowerCase() === profile.industry!.trim().toLowerCase())) {
    points += icp.points.industry;
    reasons.push(`target industry ${profile.industry} +${icp.points.industry}`);
  } else {
    reasons.push(`industry ${profile.industry} is not a target industry`);
  }

  const sizeBand = sizeBandOf(profile.companySize, icp.sizeBands);
  if (profile.companySize === undefined) {
    missing.push('companySize');
    open += icp.points.sizeBand;
    reasons.push('company size unknown');
  } else if (sizeBand && icp.targetSizeBands.includes(sizeBand)) {
    points += icp.points.sizeBand;
    reasons.push(`target size band ${sizeBand} (${profile.companySize} employees) +${icp.points.sizeBand}`);
  } else {
    reasons.push(`company size ${profile.companySize} (${sizeBand ?? 'no band'}) is not a target size band`);
  }

  const region = profile.region ?? regionOfCountry(profile.country);
  let regionOk: boolean;
  let regionPossible: boolean;
  if (icp.regions.length === 0) {
    regionOk = regionPossible = true;
  } else if (!region) {
    regionOk = false;
    regionPossible = true;
    if (blank(profile.country)) missing.push('country');
    reasons.push(blank(profile.country) ? 'region unknown (no country)' : `region unknown for country ${profile.country}`);
  } else {
    regionOk = regionPossible = icp.regions.includes(region);
    reasons.push(regionOk ? `target region ${region}` : `region ${region} is not a target region (${icp.regions.join(', ')})`);
  }

  const fit = regionOk && points >= icp.minFitPoints;
  reasons.push(`${points} fit points (${fit ? 'fit' : 'no fit'}; needs ${icp.minFitPoints} and a target region)`);
  return {
    fit,
    points,
    reasons,
    missing,
    possible: fit || (regionPossible && points + open >= icp.minFitPoints),
    sizeBand,
    region,
  };
}
