package io.pointmesh.events.analytics;

import io.pointmesh.events.DomainEvent;

/** Events published by analytics-service on {@code analytics.events}. */
public interface AnalyticsEvent extends DomainEvent {}
