import { evaluateFit, regionOfCountry, seniorTitleKeyword, sizeBandOf } from './icp-fit';
import { DEFAULT_STAGE_DEFINITION_V1 } from './stage-definition';

const icp = DEFAULT_STAGE_DEFINITION_V1.icp;

describe('evaluateFit', () => {
  it('a VP at a 500-person German SaaS company fits with 50 points, each explained', () => {
    const r = evaluateFit({ industry: 'saas', companySize: 500, country: 'de', title: 'VP of Marketing' }, icp);
    expect(r).toMatchObject({ fit: true, points: 50, missing: [], sizeBand: '201-1000', region: 'EMEA' });
    expect(r.reasons).toEqual(
      expect.arrayContaining([
        "senior title 'VP of Marketing' (keyword 'vp') +20",
        'target industry saas +15',
        'target size band 201-1000 (500 employees) +15',
        'target region EMEA',
      ]),
    );
  });

  it('two of three signals (30 points) are enough; one (20) is not', () => {
    expect(evaluateFit({ industry: 'FinTech', companySize: 60, country: 'US', title: 'Analyst' }, icp)).toMatchObject({ fit: true, points: 30 });
    expect(evaluateFit({ industry: 'Retail', companySize: 20, country: 'US', title: 'CFO' }, icp)).toMatchObject({ fit: false, points: 20, possible: false });
  });

  it('a buying role counts like a senior title', () => {
    expect(evaluateFit({ industry: 'Retail', companySize: 300, country: 'CA', buyingRole: 'economic_buyer' }, icp)).toMatchObject({ fit: true, points: 35 });
  });

  it('a perfect profile outside the target regions does not fit', () => {
    const r = evaluateFit({ industry: 'SaaS', companySize: 500, country: 'JP', title: 'CEO' }, icp);
    expect(r).toMatchObject({ fit: false, points: 50, region: 'APAC', possible: false });
    expect(r.reasons).toContain('region APAC is not a target region (NA, EMEA)');
  });

  it('lists missing attributes and says whether a fit is still possible', () => {
    const r = evaluateFit({ title: 'Head of Growth' }, icp);
    expect(r).toMatchObject({ fit: false, points: 20, possible: true });
    expect(r.missing).toEqual(['industry', 'companySize', 'country']);
    expect(evaluateFit({ industry: 'Retail', companySize: 5, country: 'US' }, icp)).toMatchObject({ possible: false, missing: ['title'] });
  });

  it('an explicit region wins over the country table', () => {
    expect(evaluateFit({ industry: 'SaaS', companySize: 500, country: 'JP', region: 'NA' }, icp)).toMatchObject({ fit: true, region: 'NA' });
  });
});

describe('fit helpers', () => {
  it('maps countries to regions', () => {
    expect(['US', 'CA', 'DE', 'FR', 'GB', 'NL', 'ES', 'IT', 'SE', 'JP', 'AU', 'SG', 'IN', 'BR', 'MX'].map(regionOfCountry)).toEqual([
      'NA', 'NA', 'EMEA', 'EMEA', 'EMEA', 'EMEA', 'EMEA', 'EMEA', 'EMEA', 'APAC', 'APAC', 'APAC', 'APAC', 'LATAM', 'LATAM',
    ]);
    expect(regionOfCountry('XX')).toBeUndefined();
  });

  it('puts company sizes in bands at the exact edges', () => {
    expect([50, 51, 200, 201, 5000, 5001, 0].map((n) => sizeBandOf(n, icp.sizeBands))).toEqual([
      '11-50', '51-200', '51-200', '201-1000', '1001-5000', '5001+', undefined,
    ]);
  });

  it('matches title keywords as whole words only', () => {
    expect(seniorTitleKeyword('Director, Demand Gen', icp.seniorTitleKeywords)).toBe('director');
    expect(seniorTitleKeyword('Vice President Sales', icp.seniorTitleKeywords)).toBe('vice president');
    expect(seniorTitleKeyword('Sales Development Rep', icp.seniorTitleKeywords)).toBeUndefined();
    expect(seniorTitleKeyword('Spearhead of Ops', icp.seniorTitleKeywords)).toBeUndefined();
  });
});
