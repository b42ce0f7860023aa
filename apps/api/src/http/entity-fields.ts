/** Messages shared by the bodies of parties, programmes, deployments and occurrences. */
export const SIGNED_DECIMAL = /^-?(0|[1-9]\d{0,17})(\.\d{1,6})?$/;
export const DECIMAL_TEXT = 'must be a decimal number written as a string, like "3.5"';
export const PARTY_TEXT = 'must be a party code of 2 to 10 capitals, digits or -, like "BY"';
