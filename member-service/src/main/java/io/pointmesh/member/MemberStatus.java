package io.pointmesh.member;

/** ACTIVE -> SUSPENDED (operators) -> ACTIVE; either -> LEFT (the member, for good: personal data erased). */
public enum MemberStatus {
    ACTIVE,
    SUSPENDED,
    LEFT
}
