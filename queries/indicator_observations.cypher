// title: Observations of an indicator over the years
// answers: Every quantitative observation (:Observation) of an indicator: its value as written,
//   numeric value, unit, year, subject, scope (domestic / international), whether it is a target,
//   and the sentence and document it comes from; ordered by year.
//   The Cypher twin of indicator_observations.rq over the property-graph projection
//   (year is an integer there, numericValue a float).
// param: $indicator iri indicator (optional) -- the indicator (IRI, or a name minted as {base}id/indicator/{name}); all indicators when not given
// columns: indicator indicatorLabel year value numericValue unit subject subjectLabel scope isTarget sentence document documentTitle

MATCH (observation:Observation)-[:INDICATOR]->(indicator:Resource)
WHERE ($indicator IS NULL OR indicator.id = $indicator) AND observation.value IS NOT NULL
OPTIONAL MATCH (observation)-[:SUBJECT]->(subject:Resource)
OPTIONAL MATCH (observation)-[:SCOPE]->(scope:Resource)
OPTIONAL MATCH (observation)-[:WAS_DERIVED_FROM]->(source:Resource)-[:IS_PART_OF]->(document:Resource)
WHERE source.text IS NOT NULL
RETURN DISTINCT indicator.id AS indicator, indicator.name AS indicatorLabel, observation.year AS year,
       observation.value AS value, observation.numericValue AS numericValue, observation.unit AS unit,
       subject.id AS subject, subject.name AS subjectLabel, scope.id AS scope, observation.isTarget AS isTarget,
       source.text AS sentence, document.id AS document, document.title AS documentTitle
ORDER BY indicatorLabel, indicator, year, subjectLabel, document
