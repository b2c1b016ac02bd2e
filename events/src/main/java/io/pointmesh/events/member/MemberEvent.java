package io.pointmesh.events.member;

import io.pointmesh.events.DomainEvent;

/** Events published by member-service on {@code member.events}. */
public interface MemberEvent extends DomainEvent {}
